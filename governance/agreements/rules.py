"""Pure rules of the regulated agreements (conventions réglementées, art. L612-5 code de
commerce): who is an administrator of the ARML, who presides or directs a counterparty Mission
Locale, and therefore which agreement the register must show. No ORM here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Role
from permissions.authorization import act

#: The ARML's administrators: the board (its members and officers).
ADMINISTRATORS = frozenset(
    {
        Role.PRESIDENT,
        Role.SECRETARY,
        Role.BOARD_MEMBER,
        Role.TREASURER,
    }
)
#: Presiding or directing the counterparty.
COUNTERPARTY_ROLES = frozenset({Role.ML_PRESIDENT, Role.ML_DIRECTOR})

DECLARE = act(
    "agreement_register.declare",
    label=_("Declare a regulated agreement"),
    roles={Role.ARML_DIRECTOR, Role.PRESIDENT},
)


@dataclass(frozen=True)
class Interest:
    """An administrator who presides or directs a counterparty of an agreement."""

    person_id: int
    mission_locale_id: int
    role: str  # ml_president or ml_director


def interested_administrators(
    arml_mandates: Iterable[tuple[int, str]],
    ml_mandates: Iterable[tuple[int, int, str]],
    counterparties: Iterable[int],
) -> list[Interest]:
    """Each (administrator, counterparty ML, role there) that makes the agreement regulated.

    `arml_mandates`: (person, role) held today in the ARML; `ml_mandates`: (person, ML, role)
    held today; `counterparties`: the MLs party to the agreement."""
    administrators = {p for p, role in arml_mandates if role in ADMINISTRATORS}
    parties = set(counterparties)
    found = {
        Interest(person, ml, role)
        for person, ml, role in ml_mandates
        if person in administrators and ml in parties and role in COUNTERPARTY_ROLES
    }
    return sorted(found, key=lambda i: (i.mission_locale_id, i.person_id, i.role))
