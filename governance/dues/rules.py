"""Pure rules of the Missions Locales' dues (cotisations): the amount a schedule's rule gives
an ML, what is left to pay, and when a call is in arrears. No ORM here.

The general assembly sets the year's dues as a rule: a base amount per Mission Locale plus an
amount per young person it accompanied (either may be zero). A call is in arrears once its due
date has passed with something left to pay; partial payments are allowed, overpayment is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Role
from permissions.authorization import act

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: Who records the dues received. The treasurer when the ARML has that mandate role (issue 14
#: adds it with the payments of the CPOM), the director meanwhile.
PAYERS = frozenset({Role.ARML_DIRECTOR, *([Role.TREASURER] if hasattr(Role, "TREASURER") else [])})

DRAFT = act(
    "dues_schedule.draft",
    label=_("Draft or change the year's dues schedule"),
    roles={Role.ARML_DIRECTOR},
)
ISSUE = act(
    "dues_schedule.issue_calls",
    label=_("Prepare the calls for dues of the Missions Locales"),
    roles={Role.ARML_DIRECTOR},
)
PAY = act("dues_call.record_payment", label=_("Record a payment of dues"), roles=PAYERS)


def dues_amount(base: Decimal, per_young: Decimal, young_people: int) -> Decimal:
    """What the rule asks of one Mission Locale: base + per_young × young people, to the cent."""
    if young_people < 0:
        raise ValueError("young_people must not be negative")
    return (Decimal(base) + Decimal(per_young) * young_people).quantize(CENT, ROUND_HALF_UP)


def paid_total(amounts: Iterable[Decimal]) -> Decimal:
    return sum((Decimal(a) for a in amounts), ZERO).quantize(CENT)


def balance(amount: Decimal, paid: Decimal) -> Decimal:
    """What is left to pay (never negative: overpayment is refused upstream)."""
    return max(Decimal(amount) - Decimal(paid), ZERO).quantize(CENT)


def in_arrears(*, called: bool, due_on: dt.date | None, left: Decimal, today: dt.date) -> bool:
    """A call is in arrears once called, past its due date, with something left to pay."""
    return called and due_on is not None and today > due_on and left > ZERO


def payment_problem(amount: Decimal, left: Decimal) -> str:
    """Why a payment of `amount` cannot be recorded against `left` still due ("" if it can)."""
    if amount <= ZERO:
        return str(_("The amount paid must be positive."))
    if amount > left:
        return str(
            _("The amount paid (%(amount)s €) exceeds what is left to pay (%(left)s €).")
            % {"amount": amount, "left": left}
        )
    return ""
