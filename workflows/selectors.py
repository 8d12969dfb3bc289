"""Reads about transitions: what I may do on an object, and what awaits me everywhere."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from governance.organisations.models import Mandate, Person
from permissions.authorization import candidates, check
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
    countersign: str = ""  # the kind of document a countersignature signs ("convention")
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
                countersign=spec.countersign,
                second_factor=second_factor.needed(spec),
            )
        )
    # the main action first, the destructive ones (refuse, abandon) last
    order = {"primary": 0, "success": 0, "secondary": 1, "outline-secondary": 1, "danger": 2}
    return sorted(options, key=lambda o: order.get(o.style, 1))


@dataclass
class AwaitingItem:
    url: str
    label: str
    action: str
    since: Any = None
    obj: Any = field(default=None, repr=False)
    due: Any = None  # the item's soonest deadline (a date), set by a marker
    overdue: bool = False
    group: str = "prepare"  # sign, approve, prepare (see INBOX_GROUPS); deadline when due soon


#: An item due within this many days (or overdue) is listed under "Échéances".
DEADLINE_SOON_DAYS = 7


#: The inbox's groups, in the order shown ("Échéances": whatever has a deadline).
INBOX_GROUPS = (
    ("sign", _lazy("To sign")),
    ("approve", _lazy("To approve")),
    ("prepare", _lazy("To prepare")),
    ("deadline", _lazy("Deadlines")),
)
#: Words of a transition's name that make it a decision on someone else's work.
_APPROVING = ("approve", "adopt", "agree", "validate", "accept", "opinion", "decide", "deliver")


def inbox_group(spec: TransitionSpec | None) -> str:
    """Which group of the inbox a step belongs to: signing a document (a countersignature, a
    step with signers, a signature), deciding on someone else's work, or preparing one's own."""
    if spec is None:
        return "prepare"
    if spec.countersign or spec.signers or "sign" in spec.name:
        return "sign"
    if any(word in spec.name for word in _APPROVING):
        return "approve"
    return "prepare"


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
            spec = _first_allowed(obj, specs, user, roles_by_arml[obj.arml_id])
            if spec is not None:
                items.append(
                    AwaitingItem(
                        obj.get_absolute_url(),
                        str(obj),
                        str(spec.label),
                        obj.updated_at,
                        obj,
                        group=inbox_group(spec),
                    )
                )
    from workflows.circuits import circuit_tasks_for

    for task_item in circuit_tasks_for(user, roles_by_arml):
        spec = specs_of(type(task_item.obj)).get(task_item.transition)
        items.append(
            AwaitingItem(
                task_item.obj.get_absolute_url(),
                str(task_item.obj),
                # the verb first ("Contresigner"), then whose signature the circuit awaits
                f"{spec.label} ({task_item.label})" if spec is not None else task_item.label,
                task_item.task.created,
                task_item.obj,
                group=inbox_group(spec),
            )
        )
    for mark in INBOX_MARKERS:
        mark(user, items)
    soon = timezone.localdate() + dt.timedelta(days=DEADLINE_SOON_DAYS)
    for item in items:
        if item.due is not None and (item.overdue or item.due <= soon):
            item.group = "deadline"  # whatever its kind, what is due soon is shown first
    return items


def inbox_for(user: Person) -> list[AwaitingItem]:
    """`awaiting_for(user)` as the home page lists it and the menu counts it (items without
    their `obj`), computed again only when the ledger moved (every act appends to it), the
    user's active mandates changed, or the day changed; else read from the cache. One query
    for the key, whatever the number of tasks; once per request (the page and its menu)."""
    from django.core.cache import cache

    if not user.is_authenticated:
        return []

    def cached() -> list[AwaitingItem]:
        from dataclasses import replace

        key = _inbox_key(user)
        items = cache.get(key)
        if items is None:
            items = [replace(item, obj=None) for item in awaiting_for(user)]
            cache.set_many({key: items, f"{key}:count": len(items)}, 3600)
        return items

    from config.request_cache import memo

    return memo(("inbox", user.pk), cached)


def inbox_count(user: Person) -> int:
    """len(inbox_for(user)), without reading the items back from the cache (the menu's count
    on every page)."""
    from django.core.cache import cache

    if not user.is_authenticated:
        return 0
    count = cache.get(f"{_inbox_key(user)}:count")
    return len(inbox_for(user)) if count is None else count


def _inbox_key(user: Person) -> str:
    """What the cached inbox depends on, read in one query (once per request)."""
    from config.request_cache import memo

    return memo(("inbox key", user.pk), lambda: _read_inbox_key(user))


def _read_inbox_key(user: Person) -> str:
    import hashlib

    from django.db.models import Count, OuterRef, Subquery, Sum

    from audit.models import AuditEvent

    mandates = Mandate.objects.active().filter(person=OuterRef("pk")).order_by().values("person")
    head, count, total = (
        Person.objects.filter(pk=user.pk)
        .annotate(
            # the head's hash, not its number: unique to this ledger's history
            ledger_head=Subquery(AuditEvent.objects.order_by("-seq").values("hash")[:1]),
            mandate_count=Subquery(mandates.annotate(n=Count("pk")).values("n")),
            mandate_sum=Subquery(mandates.annotate(s=Sum("pk")).values("s")),
        )
        .values_list("ledger_head", "mandate_count", "mandate_sum")
        .get()
    )
    state = f"{user.pk}:{head or '-'}:{count or 0}:{total or 0}:{timezone.localdate()}"
    return "inbox:" + hashlib.sha256(state.encode()).hexdigest()


def _roles_by_arml(user: Person) -> dict[int, set[str]]:
    roles: dict[int, set[str]] = defaultdict(set)
    for arml_id, role in (
        Mandate.objects.active().filter(person=user).values_list("arml_id", "role")
    ):
        roles[arml_id].add(role)
    # Delegated roles count too (the inbox is a hint; perform() re-checks each delegation's scope).
    from permissions.authorization import _all_received  # read once per page

    delegations = _all_received(user)
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
) -> TransitionSpec | None:
    from permissions.authorization import Principal

    me = Principal(user, frozenset(roles))  # delegated roles included: a hint, see above
    allowed = [s for s in specs if obj.state in s.sources and check(me, user, obj, s) is None]
    if len(allowed) > 1:  # alternative steps (freeze, or ask the funders first): the one that holds
        allowed = [s for s in allowed if not condition_messages(obj, s)] or allowed
    return allowed[0] if allowed else None


def history_of(obj: Lifecycle, *, viewer: Person) -> Any:
    """The object's ledger history as `viewer` may see it: network data and other people's
    refused attempts only for those who may audit its ARML (audit.selectors.history_for)."""
    from audit.selectors import history_for

    return history_for(obj, viewer)


__all__ = [
    "TransitionOption",
    "awaiting_for",
    "history_of",
    "inbox_count",
    "inbox_for",
    "transition_options",
]


def signature_panel(obj: Any, kind: str) -> dict[str, Any] | None:
    """The expected signers of the object's current signed document, who signed, and whether
    the whole file verifies."""
    from documents.verification import verify_recent
    from workflows.web import documents_of

    # The current document (workflows.documents.current_document: the newest of `kind` not
    # superseded), from the documents the page lists anyway, with their versions and signatures.
    document = next((d for d in documents_of(obj) if d.kind == kind and not d.is_superseded), None)
    if document is None or len(document.signer_slots) < 2:
        return None
    versions = list(document.versions.all())
    signed = {v.signature.field: v.signature for v in versions if getattr(v, "signature", None)}
    latest = versions[-1]
    return {
        "document": document,
        "latest": latest,
        "report": verify_recent(latest),
        "slots": [
            {"slot": slot, "signature": signed.get(slot["field"])} for slot in document.signer_slots
        ],
        "awaited": [slot for slot in document.signer_slots if slot["field"] not in signed],
    }
