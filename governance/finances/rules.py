"""Rules of the money a CPOM brings (no ORM): the payment schedule derived from the amounts
committed, the totals per year and funder, the financial report's (CRF) table and its due date,
and who records payments and drafts reports.

Public subsidy practice (circulaire du 29 septembre 2015; Cerfa n°15059): a multi-year
agreement sets an amount per year and funder; the funder pays an advance early in the year and
the balance later, on a condition (usually the previous year's financial report accepted); each
subsidy is justified by a financial report within six months of the year's end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.organisations import limits
from governance.organisations.models import Role
from permissions.authorization import act

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

#: The treasurer keeps the accounts; the director runs them day to day.
BOOKKEEPERS = frozenset({Role.TREASURER, Role.ARML_DIRECTOR})
RECORD_PAYMENT = act("payment.record", label=_("Record a payment received"), roles=BOOKKEEPERS)
DRAFT_REPORT = act(
    "financial_report.draft", label=_("Draft a financial report (CRF)"), roles=BOOKKEEPERS
)


class Part:
    ADVANCE = "advance"
    BALANCE = "balance"
    CHOICES = (
        (ADVANCE, _("Advance")),
        (BALANCE, _("Balance")),
    )


class BalanceCondition:
    """When the balance may be called (PaymentTerms.balance_condition)."""

    PREVIOUS_REPORT = "previous_report"
    THIS_REPORT = "this_report"
    ON_DATE = "on_date"
    CHOICES = (
        (PREVIOUS_REPORT, _("once the previous year's financial report is accepted")),
        (THIS_REPORT, _("once this year's financial report is accepted")),
        (ON_DATE, _("on its date")),
    )


@dataclass(frozen=True)
class Terms:
    """How one funder pays one convention: the advance's share and month, the balance's month
    and condition (defaults: half in March, the rest in October once last year is justified)."""

    advance_percent: Decimal = Decimal("50")
    advance_month: int = 3
    balance_month: int = 10
    balance_condition: str = BalanceCondition.PREVIOUS_REPORT


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """French grouping: 120 000,00."""
    text = f"{money(value):,.2f}"
    return text.replace(",", "\u202f").replace(".", ",")


@dataclass(frozen=True)
class Instalment:
    """One line of a schedule: the advance or the balance of one year and funder."""

    year: int
    funder_id: int
    part: str
    amount: Decimal
    due_on: dt.date
    condition: str = ""  # BalanceCondition for the balance, "" for the advance


def schedule(year: int, funder_id: int, committed: Decimal, terms: Terms) -> list[Instalment]:
    """The advance (its share of the amount committed, rounded to the cent) and the balance
    (the rest, so the two always add up to the amount committed)."""
    committed = money(committed)
    if committed <= 0:
        return []
    advance = money(committed * Decimal(terms.advance_percent) / 100)
    lines = []
    if advance > 0:
        lines.append(
            Instalment(year, funder_id, Part.ADVANCE, advance, month_end(year, terms.advance_month))
        )
    if committed - advance > 0:
        lines.append(
            Instalment(
                year,
                funder_id,
                Part.BALANCE,
                committed - advance,
                month_end(year, terms.balance_month),
                terms.balance_condition,
            )
        )
    return lines


def condition_met(instalment: Instalment, *, first_year: int, accepted: set[int]) -> bool:
    """Whether the balance's condition holds, given the years whose report was accepted."""
    if instalment.part != Part.BALANCE:
        return True
    if instalment.condition == BalanceCondition.PREVIOUS_REPORT:
        return instalment.year == first_year or instalment.year - 1 in accepted
    if instalment.condition == BalanceCondition.THIS_REPORT:
        return instalment.year in accepted
    return True


def is_called(
    instalment: Instalment, today: dt.date, *, first_year: int, accepted: set[int]
) -> bool:
    """Scheduled so far: its date has come and its condition holds."""
    return instalment.due_on <= today and condition_met(
        instalment, first_year=first_year, accepted=accepted
    )


@dataclass(frozen=True)
class Totals:
    """The four amounts of one year and funder (issue 14.3)."""

    committed: Decimal = ZERO
    scheduled: Decimal = ZERO
    paid: Decimal = ZERO
    justified: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.committed - self.paid

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.committed + other.committed,
            self.scheduled + other.scheduled,
            self.paid + other.paid,
            self.justified + other.justified,
        )


def totals(
    *,
    committed: Decimal,
    instalments: Sequence[Instalment],
    payments: Iterable[Decimal],
    report_accepted: bool,
    today: dt.date,
    first_year: int,
    accepted: set[int],
) -> Totals:
    """Committed (in force, as amended), scheduled (instalments called so far), paid (the sum
    of payments received) and justified (the whole subsidy once its report is accepted)."""
    committed = money(committed)
    return Totals(
        committed=committed,
        scheduled=sum(
            (
                i.amount
                for i in instalments
                if is_called(i, today, first_year=first_year, accepted=accepted)
            ),
            ZERO,
        ),
        paid=sum((money(p) for p in payments), ZERO),
        justified=committed if report_accepted else ZERO,
    )


def payment_refusal(
    *, amount: Decimal, committed: Decimal, already_paid: Decimal, part_amount: Decimal | None
) -> tuple[str, str] | None:
    """(code, sentence) refusing a payment, or None: positive, and never more than committed."""
    if amount <= 0:
        return "amount_not_positive", gettext("The amount must be positive.")
    if part_amount is None:
        return "no_instalment", gettext(
            "This funder has no such instalment for this year in the convention in force."
        )
    if already_paid + amount > committed:
        return "overpayment", gettext(
            "This payment would bring the amount received to %(total)s €, above the %(committed)s "
            "€ committed for the year."
        ) % {"total": money(already_paid + amount), "committed": money(committed)}
    return None


@dataclass(frozen=True)
class Correction:
    """A correcting entry asked for: `amount` taken back (positive) from an original of
    `original` €, already corrected by `corrected` € (a sum of negatives), leaving
    `total_after` in the total it counts in (the paid of the year and funder, or of a call)."""

    original: Decimal
    corrected: Decimal
    amount: Decimal
    total_after: Decimal
    reason: str
    is_correction: bool = False


def correction_refusal(c: Correction) -> tuple[str, str] | None:
    """(code, sentence) refusing a correcting entry, or None. Shared by the payments of a CPOM
    and the dues paid: a reason, never a correction of a correction, nothing left to take back
    once the original is reversed, never more than what remains of it nor a negative total."""
    if c.is_correction:
        return "payment_is_correction", gettext(
            "A correcting entry is not corrected in turn: correct the original payment."
        )
    if not c.reason.strip():
        return "reason_required", gettext("Give the reason of the correction.")
    if len(c.reason) > limits.TEXT:
        return "text_too_long", gettext("The reason is too long.")
    remaining = money(c.original + c.corrected)
    if remaining <= 0:
        return "payment_already_reversed", gettext("This payment has already been cancelled.")
    if c.amount <= 0:
        return "amount_not_positive", gettext("The amount taken back must be positive.")
    if c.amount > remaining or c.total_after < 0:
        return "correction_exceeds_payment", gettext(
            "Taking back %(amount)s € would make the amount received negative: %(remaining)s € "
            "remain of this payment."
        ) % {"amount": format_money(c.amount), "remaining": format_money(remaining)}
    return None


# -- the financial report (compte rendu financier, Cerfa n°15059) -----------------------------


def report_due_on(year: int, month_day: str = "06-30") -> dt.date:
    """The report of `year` is due on `month_day` (MM-DD) of the following year."""
    month, day = (int(part) for part in month_day.split("-", 1))
    return dt.date(year + 1, month, day)


@dataclass(frozen=True)
class Row:
    label: str
    budgeted: Decimal
    actual: Decimal

    @property
    def gap(self) -> Decimal:
        return self.actual - self.budgeted

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "budgeted": str(self.budgeted), "actual": str(self.actual)}


def parse_rows(text: str) -> list[Row]:
    """Lines "label ; budgeted ; actual" (French decimals accepted), or ValueError naming the
    line that cannot be read."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 3 or not parts[0]:
            raise ValueError(
                gettext("Line %(n)s: write “label ; budgeted ; actual”.") % {"n": number}
            )
        try:
            budgeted, actual = (_amount(p) for p in parts[1:])
        except (InvalidOperation, ValueError):
            raise ValueError(
                gettext("Line %(n)s: the amounts must be numbers.") % {"n": number}
            ) from None
        rows.append(Row(parts[0][:200], budgeted, actual))
    return rows


def rows_from(items: Iterable[dict[str, object]]) -> list[Row]:
    return [
        Row(str(i["label"]), _amount(str(i["budgeted"])), _amount(str(i["actual"]))) for i in items
    ]


def rows_text(rows: Iterable[Row]) -> str:
    return "\n".join(f"{r.label} ; {r.budgeted} ; {r.actual}" for r in rows)


def _amount(text: str) -> Decimal:
    value = money(Decimal(text.replace("\u202f", "").replace(" ", "").replace(",", ".")))
    if value < 0:
        raise ValueError("negative")
    return value


@dataclass(frozen=True)
class ReportTable:
    """The Cerfa's table: charges and income, budgeted and actual, with the subsidy's share."""

    charges: list[Row]
    income: list[Row]
    subsidy: Row

    @property
    def income_rows(self) -> list[Row]:
        return [self.subsidy, *self.income]

    def total(self, rows: Sequence[Row]) -> Row:
        return Row(
            gettext("Total"),
            sum((r.budgeted for r in rows), ZERO),
            sum((r.actual for r in rows), ZERO),
        )

    @property
    def subsidy_share(self) -> Decimal:
        """The subsidy's share of the actual charges, in percent (0 without charges)."""
        charges = self.total(self.charges).actual
        if charges <= 0:
            return ZERO
        return money(self.subsidy.actual / charges * 100)

    @property
    def balanced(self) -> bool:
        return self.total(self.charges).actual == self.total(self.income_rows).actual
