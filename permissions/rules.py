"""Rules that hold whatever the role: plain functions, each returning a Refusal or None.

A rule receives the object, the principal (on whose behalf the action is taken: a
permissions.authorization.Principal, with `.person` and `.roles` in the object's ARML) and the
actor (who clicks). Both are checked where the rule is about a person: a delegate cannot approve
their own proposal on someone else's behalf either (docs/domain.md: separation of duties).

A Refusal carries a stable code (what tests, the ledger and API clients match) and the French
sentence a person reads; `str()` of it is the sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from governance.organisations.models import Mandate, Person, Role


@dataclass(frozen=True)
class Refusal:
    """Why a rule refuses: a stable code and the sentence shown to the person."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


Rule = Callable[[Any, Any, Person], Refusal | None]


def not_the_submitter(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """Separation of duties: who submitted an item never approves it."""
    submitter_id = getattr(obj, "submitted_by_id", None)
    if submitter_id is not None and submitter_id in {principal.person.pk, actor.pk}:
        return Refusal(
            "self_approval",
            _("Separation of duties: the person who submitted this item cannot approve it."),
        )
    return None


def is_the_submitter(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """Only the submitter acts on their own draft (a director proposes their own plan)."""
    if getattr(obj, "submitted_by_id", None) != principal.person.pk:
        return Refusal("not_the_author", _("Only the person who drafted this item can do this."))
    return None


def ml_directors_on_their_own_items(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """A Mission Locale director acts only on the items they submitted (ARML staff on all)."""
    from governance.organisations.models import Role as R

    arml_wide = {R.ARML_DIRECTOR, R.ARML_STAFF}  # the ARML's own team acts on every plan
    if principal.roles & arml_wide:
        return None
    return is_the_submitter(obj, principal, actor)


def not_president_of_a_beneficiary(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """Conflict of interest: the president of a beneficiary Mission Locale never approves."""
    ml_ids = set(obj.beneficiary_ids())
    if not ml_ids:
        return None
    if ml_ids & (presided_mls(principal.person) | presided_mls(actor)):
        return Refusal(
            "conflict_of_interest",
            _(
                "Conflict of interest: the president of a beneficiary Mission Locale cannot approve."
            ),
        )
    return None


def presided_mls(person: Person) -> set[int]:
    """Missions Locales `person` presides today; cached on the instance for one request."""
    cached = getattr(person, "_presided_mls", None)
    if cached is None:
        cached = set(
            Mandate.objects.active()
            .filter(person=person, role=Role.ML_PRESIDENT)
            .values_list("mission_locale_id", flat=True)
        )
        person._presided_mls = cached  # type: ignore[attr-defined]
    return cached


def is_a_party_officer(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """A funder's officer acts on a convention only for a funder that is one of its parties.

    The ARML side (president) is not concerned; the signature field of each party is further
    matched by role when the document is signed.
    """
    from governance.organisations.models import Role as R

    funder_roles = {R.STATE_OFFICER, R.REGION_OFFICER, R.OTHER_FUNDER}
    if not principal.roles & funder_roles or principal.roles & {R.PRESIDENT}:
        return None
    if set(obj.party_funder_ids()) & represented_funders(principal.person, obj.arml_id):
        return None
    return Refusal(
        "not_a_party", _("You do not represent a funder that is a party to this convention.")
    )


def represented_funders(person: Person, arml_id: int) -> set[int]:
    """Funders `person` represents today in an ARML; cached on the instance for one request."""
    from governance.organisations.models import Role as R

    cache: dict[int, set[int]] = person.__dict__.setdefault("_represented_funders", {})
    if arml_id not in cache:
        cache[arml_id] = set(
            Mandate.objects.active()
            .filter(
                person=person,
                arml_id=arml_id,
                role__in={R.STATE_OFFICER, R.REGION_OFFICER, R.OTHER_FUNDER},
            )
            .values_list("funder_id", flat=True)
        )
    return cache[arml_id]
