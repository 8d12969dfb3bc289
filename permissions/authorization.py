"""Who may act, and on whose behalf: one entry for transitions and for every other act.

django-fsm does not enforce `permission=` when a transition method is called, so the engine calls
`authorize()` before every transition; services call `authorize_act()` before every other act
(planning a meeting, recording the attendance, saving a draft…). Both read roles from mandates
active today in the object's ARML, let a delegate act with the principal's roles for what the
delegation names, apply the same rules, and refuse with a stable code and a French sentence.

Superusers administer reference data; in a lifecycle they act only through a mandate, like
anyone (one rule, whatever the act).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from config.request_cache import memo
from governance.organisations.models import Mandate, Person, Role
from permissions.models import Delegation
from permissions.rules import Refusal, Rule


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
    """Permission refused, with its stable code and the reason a person can read."""

    def __init__(self, reason: str, code: str = "forbidden") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Act:
    """Something done on an object outside a transition. Declared once, in the room that owns
    it; the services authorise with it, pages and API derive what they offer from it, and a
    delegation may name it (`name`, like a transition's "meeting.convene")."""

    name: str
    label: str | Promise
    #: Roles that may act, or a function of the object giving them (a body's rules name who
    #: convenes it).
    roles: frozenset[str] | Callable[[Any], Iterable[str]]
    rules: tuple[Rule, ...] = ()

    def roles_for(self, obj: Any) -> frozenset[str]:
        return frozenset(self.roles(obj) if callable(self.roles) else self.roles)


#: Every act declared, by name (delegations and the delegation form read it).
ACTS: dict[str, Act] = {}


def act(
    name: str,
    *,
    label: str | Promise,
    roles: frozenset[str] | set[str] | Callable[[Any], Iterable[str]],
    rules: Iterable[Rule] = (),
) -> Act:
    """Declare an act (once per name)."""
    if name in ACTS:
        raise ValueError(f"act {name!r} declared twice")
    declared = Act(name, label, roles if callable(roles) else frozenset(roles), tuple(rules))
    ACTS[name] = declared
    return declared


def _roles_by_person(people: set[int], arml_id: int) -> dict[int, frozenset[str]]:
    return memo(("roles", frozenset(people), arml_id), lambda: _read_roles(people, arml_id))


def _read_roles(people: set[int], arml_id: int) -> dict[int, frozenset[str]]:
    rows = Mandate.objects.active().filter(person_id__in=people, arml_id=arml_id)
    found: dict[int, set[str]] = {pk: set() for pk in people}
    for person_id, role in rows.values_list("person_id", "role"):
        found[person_id].add(role)
    return {pk: frozenset(roles) for pk, roles in found.items()}


def candidates(actor: Person, arml_id: int, action: str) -> list[Principal]:
    """The actor first, then each principal who delegated this action to them today."""
    delegations = [d for d in delegations_received(actor, arml_id) if d.covers(action)]
    roles = _roles_by_person({actor.pk, *(d.principal_id for d in delegations)}, arml_id)
    found = [Principal(actor, roles[actor.pk])]
    found += [Principal(d.principal, roles[d.principal_id], d) for d in delegations]
    return found


def delegations_received(actor: Person, arml_id: int) -> list[Delegation]:
    """The delegations active today that `actor` received in an ARML (read once per page)."""
    return [d for d in _all_received(actor) if d.arml_id == arml_id]


def _all_received(actor: Person) -> list[Delegation]:
    return memo(
        ("delegations received", actor.pk),
        lambda: list(
            Delegation.objects.active()
            .filter(delegate=actor)
            .select_related("principal", "delegate")
            .order_by("start", "pk")
        ),
    )


def authorize(actor: Person, obj: Any, name: str, spec: Any = None) -> Principal:
    """The principal `actor` may perform transition `name` of `obj` for, or Refused."""
    from workflows.specs import spec_for  # the engine's spec registry; avoids an import cycle

    spec = spec or spec_for(obj, name)
    return _first_allowed(actor, obj, obj.arml_id, spec.action_name, spec.roles, spec.rules)


def authorize_act(
    actor: Person, obj: Any, declared: Act, *, arml_id: int | None = None
) -> Principal:
    """The principal `actor` may do `declared` on `obj` for (own roles or a delegation), or
    Refused. `arml_id` defaults to the object's."""
    if arml_id is None:
        is_arml = obj._meta.label_lower == "governance.arml"
        arml_id = obj.pk if is_arml else obj.arml_id
    return _first_allowed(
        actor, obj, arml_id, declared.name, declared.roles_for(obj), declared.rules
    )


def may(actor: Person, obj: Any, declared: Act, *, arml_id: int | None = None) -> bool:
    """Whether `actor` may do `declared` now (what pages offer)."""
    try:
        authorize_act(actor, obj, declared, arml_id=arml_id)
    except Refused:
        return False
    return True


def armls_allowed(user: Person, declared: Act) -> list[Any]:
    """The ARMLs in the user's scope where they may do `declared` (what a list page offers to
    create there)."""
    from permissions.selectors import armls_for

    return [arml for arml in armls_for(user) if may(user, arml, declared, arml_id=arml.pk)]


def _first_allowed(
    actor: Person,
    obj: Any,
    arml_id: int,
    action: str,
    roles: frozenset[str],
    rules: Iterable[Rule],
) -> Principal:
    if not actor.is_authenticated or not actor.is_active:
        raise Refused(_("You must be logged in."), "login_required")
    refusals: list[Refusal] = []
    for principal in candidates(actor, arml_id, action):
        refusal = _check(principal, actor, obj, roles, rules)
        if refusal is None:
            return principal
        refusals.append(refusal)
    first = refusals[0] if refusals else Refusal("forbidden", _("You may not do this."))
    # A rule's refusal says more than "not your role" from another candidate: prefer it.
    chosen = next((r for r in refusals if r.code != "role_required"), first)
    raise Refused(chosen.message, chosen.code)


def check(principal: Principal, actor: Person, obj: Any, spec: Any) -> Refusal | None:
    """None if `principal` may perform the transition `spec` on `obj`, else the Refusal."""
    return _check(principal, actor, obj, spec.roles, spec.rules)


def _check(
    principal: Principal, actor: Person, obj: Any, roles: frozenset[str], rules: Iterable[Rule]
) -> Refusal | None:
    if not principal.roles & roles:
        needed = ", ".join(sorted(str(Role(r).label) for r in roles))
        if principal.delegation is not None:
            message = _("%(principal)s does not hold the required role (%(roles)s).") % {
                "principal": principal.person,
                "roles": needed,
            }
        else:
            message = _("This action is reserved to: %(roles)s.") % {"roles": needed}
        return Refusal("role_required", message)
    for rule in rules:
        refusal = rule(obj, principal, actor)
        if refusal:
            return refusal
    return None
