"""permissions.authorize(): who may perform a transition, and on whose behalf.

django-fsm does not enforce `permission=` when a transition method is called, so the engine calls
this before every transition. Roles come from mandates active today in the object's ARML; a
delegation lets a delegate act with the principal's roles for the transitions it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from governance.organisations.models import Mandate, Person, Role
from permissions.models import Delegation


@dataclass(frozen=True)
class Principal:
    """The person an action is taken for: the actor, or whoever delegated to them."""

    person: Person
    roles: frozenset[str]
    delegation: Delegation | None = None

    def describe(self, actor: Person) -> str:
        if self.delegation is None:
            return str(actor)
        return str(self.delegation)


class Refused(PermissionDenied):
    """Permission refused, with the reason a person can read."""

    code = "forbidden"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _roles_by_person(people: set[int], arml_id: int) -> dict[int, frozenset[str]]:
    rows = Mandate.objects.active().filter(person_id__in=people, arml_id=arml_id)
    found: dict[int, set[str]] = {pk: set() for pk in people}
    for person_id, role in rows.values_list("person_id", "role"):
        found[person_id].add(role)
    return {pk: frozenset(roles) for pk, roles in found.items()}


def candidates(actor: Person, arml_id: int, action: str) -> list[Principal]:
    """The actor first, then each principal who delegated this action to them today."""
    delegations = list(
        Delegation.objects.active()
        .filter(delegate=actor, arml_id=arml_id)
        .select_related("principal", "delegate")
        .order_by("start", "pk")
    )
    delegations = [d for d in delegations if d.covers(action)]
    roles = _roles_by_person({actor.pk, *(d.principal_id for d in delegations)}, arml_id)
    found = [Principal(actor, roles[actor.pk])]
    found += [Principal(d.principal, roles[d.principal_id], d) for d in delegations]
    return found


def authorize(actor: Person, obj: Any, name: str, spec: Any = None) -> Principal:
    """The principal `actor` may perform transition `name` of `obj` for, or Refused(reason)."""
    from workflows.specs import spec_for  # the engine's spec registry; avoids an import cycle

    if not actor.is_authenticated or not actor.is_active:
        raise Refused(_("You must be logged in."))
    spec = spec or spec_for(obj, name)
    reasons: list[str] = []
    for principal in candidates(actor, obj.arml_id, spec.action_name):
        reason = check(principal, actor, obj, spec)
        if reason is None:
            return principal
        reasons.append(reason)
    raise Refused(reasons[0] if reasons else _("You may not do this."))


def check(principal: Principal, actor: Person, obj: Any, spec: Any) -> str | None:
    """None if `principal` may perform `spec` on `obj`, else the reason."""
    if not principal.roles & spec.roles:
        needed = ", ".join(sorted(str(Role(r).label) for r in spec.roles))
        if principal.delegation is not None:
            return _("%(principal)s does not hold the required role (%(roles)s).") % {
                "principal": principal.person,
                "roles": needed,
            }
        return _("This action is reserved to: %(roles)s.") % {"roles": needed}
    for rule in spec.rules:
        reason = rule(obj, principal, actor)
        if reason:
            return reason
    return None
