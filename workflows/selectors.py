"""Reads about transitions: what I may do on an object, and what awaits me everywhere."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from governance.organisations.models import Mandate, Person
from permissions.authorization import candidates, check
from permissions.models import Delegation
from workflows import second_factor
from workflows.lifecycle import Lifecycle
from workflows.specs import TransitionSpec, condition_messages, specs_of, unmet_messages


@dataclass(frozen=True)
class TransitionOption:
    name: str
    label: str | Promise
    style: str
    allowed: bool
    reasons: list[str]
    comment_required: bool
    data_fields: tuple[str, ...]
    on_behalf_of: str = ""
    circuit: bool = False
    inputs: tuple[dict[str, Any], ...] = ()
    second_factor: bool = False  # it signs: the engine asks for a second factor


def lifecycle_models() -> list[type[Lifecycle]]:
    return [m for m in apps.get_models() if issubclass(m, Lifecycle)]


def transition_options(obj: Lifecycle, user: Person) -> list[TransitionOption]:
    """Every transition leaving the current state: open to `user`, or why not."""
    specs = [s for s in specs_of(type(obj)).values() if obj.state in s.sources]
    if not specs or not user.is_authenticated:
        return []
    options = []
    principals_by_action: dict[str, list[Any]] = {}
    for spec in specs:
        principals = principals_by_action.setdefault(
            spec.action_name, candidates(user, obj.arml_id, spec.action_name)
        )
        reasons: list[str] = []
        chosen = None
        for principal in principals:
            reason = check(principal, user, obj, spec)
            if reason is None:
                chosen = principal
                break
            reasons.append(str(reason))
        if spec.automatic:
            continue  # the circuit performs it by itself
        if chosen is not None:
            reasons = unmet_messages(
                obj, spec, chosen.roles, delegated=chosen.delegation is not None
            )
            if spec.circuit and not reasons:
                from workflows.circuits import task_for

                if task_for(obj, spec.name, set(chosen.roles & spec.roles)) is None:
                    reasons = [_("It is not your turn in the signature circuit.")]
        options.append(
            TransitionOption(
                name=spec.name,
                label=spec.label,
                style=spec.style,
                allowed=chosen is not None and not reasons,
                reasons=reasons[:1] if chosen is None else reasons,
                comment_required=spec.comment_required,
                data_fields=spec.data_fields,
                on_behalf_of=str(chosen.person) if chosen and chosen.delegation else "",
                circuit=spec.circuit,
                inputs=tuple(obj.transition_inputs(spec.name)),
                second_factor=second_factor.needed(spec),
            )
        )
    return options


@dataclass
class AwaitingItem:
    url: str
    label: str
    action: str
    since: Any = None
    obj: Any = field(default=None, repr=False)
    due: Any = None  # the item's soonest deadline (a date), set by a marker
    overdue: bool = False


#: Called with (user, items) at the end of awaiting_for: the deadlines mark what is due and
#: overdue (notifications/deadlines.py registers itself; workflows imports no later app).
INBOX_MARKERS: list[Any] = []


def awaiting_for(user: Person) -> list[AwaitingItem]:
    """Objects where `user` (or someone who delegated to them) has an open transition.

    Constant number of queries: mandates, delegations, then one query per lifecycle model
    (plus one prefetch per model whose rules read related rows), then the circuit tasks and
    their subjects (workflows.circuits.circuit_tasks_for).
    """
    if not user.is_authenticated:
        return []
    roles_by_arml = _roles_by_arml(user)
    if not roles_by_arml:
        return []
    items: list[AwaitingItem] = []
    for model in lifecycle_models():
        # Exits (reject, abandon…) are open almost everywhere: only forward steps await someone.
        specs = [
            s
            for s in specs_of(model).values()
            if s.style == "primary" and not s.circuit and not s.automatic  # automatic: no one
        ]
        wanted = Q()
        for arml_id, roles in roles_by_arml.items():
            states = {s for spec in specs if spec.roles & roles for s in spec.sources}
            if states:
                wanted |= Q(arml_id=arml_id, state__in=states)
        if not wanted:
            continue
        qs = model.objects.filter(wanted).select_related("arml")
        qs = qs.prefetch_related(*getattr(model, "inbox_prefetch", ()))
        for obj in qs.order_by("updated_at"):
            label = _first_allowed(obj, specs, user, roles_by_arml[obj.arml_id])
            if label:
                items.append(
                    AwaitingItem(obj.get_absolute_url(), str(obj), label, obj.updated_at, obj)
                )
    from workflows.circuits import circuit_tasks_for

    for task_item in circuit_tasks_for(user, roles_by_arml):
        items.append(
            AwaitingItem(
                task_item.obj.get_absolute_url(),
                str(task_item.obj),
                task_item.label,
                task_item.task.created,
                task_item.obj,
            )
        )
    for mark in INBOX_MARKERS:
        mark(user, items)
    return items


def _roles_by_arml(user: Person) -> dict[int, set[str]]:
    roles: dict[int, set[str]] = defaultdict(set)
    for arml_id, role in (
        Mandate.objects.active().filter(person=user).values_list("arml_id", "role")
    ):
        roles[arml_id].add(role)
    # Delegated roles count too (the inbox is a hint; perform() re-checks each delegation's scope).
    delegations = Delegation.objects.active().filter(delegate=user)
    principals = {(d.principal_id, d.arml_id) for d in delegations}
    if principals:
        rows = (
            Mandate.objects.active()
            .filter(Q(*[Q(person_id=p, arml_id=a) for p, a in principals], _connector=Q.OR))
            .values_list("arml_id", "role")
        )
        for arml_id, role in rows:
            roles[arml_id].add(role)
    return roles


def _first_allowed(
    obj: Lifecycle, specs: list[TransitionSpec], user: Person, roles: set[str]
) -> str:
    from permissions.authorization import Principal

    me = Principal(user, frozenset(roles))  # delegated roles included: a hint, see above
    allowed = [s for s in specs if obj.state in s.sources and check(me, user, obj, s) is None]
    if len(allowed) > 1:  # alternative steps (freeze, or ask the funders first): the one that holds
        allowed = [s for s in allowed if not condition_messages(obj, s)] or allowed
    return str(allowed[0].label) if allowed else ""


def history_of(obj: Lifecycle, *, viewer: Person) -> Any:
    """The object's ledger history as `viewer` may see it: network data and other people's
    refused attempts only for those who may audit its ARML (audit.selectors.history_for)."""
    from audit.selectors import history_for

    return history_for(obj, viewer)


__all__ = ["TransitionOption", "awaiting_for", "history_of", "transition_options"]


def signature_panel(obj: Any, kind: str) -> dict[str, Any] | None:
    """The expected signers of the object's current signed document, who signed, and whether
    the whole file verifies."""
    from documents.verification import verify_recent
    from workflows.documents import current_document

    document = current_document(obj, kind)
    if document is None or len(document.signer_slots) < 2:
        return None
    versions = list(
        document.versions.select_related("signature__signer", "signature__on_behalf_of").order_by(
            "n"
        )
    )
    signed = {v.signature.field: v.signature for v in versions if getattr(v, "signature", None)}
    latest = versions[-1]
    return {
        "document": document,
        "latest": latest,
        "report": verify_recent(latest),
        "slots": [
            {"slot": slot, "signature": signed.get(slot["field"])} for slot in document.signer_slots
        ],
    }
