"""Who a step now awaits, and who authored what was refused: the rules the notification centre
(notifications/) applies after commit. Sending is the centre's business, not the engine's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from governance.organisations.models import Mandate, Person
from permissions.authorization import Principal, check
from workflows.specs import TransitionSpec, specs_of

if TYPE_CHECKING:
    from workflows.engine import Outcome

#: The first word of the transitions that send an object back to its author.
REFUSAL_VERBS = frozenset({"refuse", "reject", "return", "contest"})


def forward_specs(obj: Any) -> list[TransitionSpec]:
    """The forward steps open from the object's state (exits like abandon await nobody)."""
    return [
        spec
        for spec in specs_of(type(obj)).values()
        if obj.state in spec.sources and spec.style == "primary" and not spec.automatic
    ]


def people_who_may(
    obj: Any, specs: Iterable[TransitionSpec], *, exclude: Iterable[int] = ()
) -> list[Person]:
    """Active people of the object's ARML whose own mandates allow one of `specs` on it."""
    specs = list(specs)
    roles = {role for spec in specs for role in spec.roles}
    if not roles:
        return []
    held: dict[Person, set[str]] = defaultdict(set)
    mandates = Mandate.objects.active().filter(arml_id=obj.arml_id, role__in=roles)
    for mandate in mandates.select_related("person"):
        held[mandate.person].add(mandate.role)
    excluded = set(exclude)
    return [
        person
        for person, person_roles in held.items()
        if person.is_active
        and person.pk not in excluded
        and any(
            check(Principal(person, frozenset(person_roles)), person, obj, s) is None for s in specs
        )
    ]


def next_actors(outcome: Outcome[Any]) -> list[Person]:
    """The people for whom a forward step is now open, but the one who just acted."""
    return people_who_may(
        outcome.obj, forward_specs(outcome.obj), exclude=[outcome.event.actor_id or 0]
    )


def is_refusal(spec: TransitionSpec) -> bool:
    return spec.name.split("_")[0] in REFUSAL_VERBS


def author_of(obj: Any, from_state: str) -> Person | None:
    """Who submitted the object: its `submitted_by` or `requested_by`, else the principal whose
    transition brought it into the state it was refused from (read from the ledger)."""
    for name in ("submitted_by", "requested_by"):
        person = getattr(obj, name, None)
        if isinstance(person, Person):
            return person
    from audit.selectors import events_for_object

    event = (
        events_for_object(obj)
        .filter(to_state=from_state)
        .exclude(from_state=from_state)
        .exclude(principal_id=None)
        .order_by("-seq")
        .first()
    )
    if event is None or event.principal_id is None:
        return None
    return Person.objects.filter(pk=event.principal_id).first()
