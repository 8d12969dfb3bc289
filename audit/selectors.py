"""Reads of the ledger, scoped. Pages and API start from events_auditable_by()."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Model, Q, QuerySet, Value, When

from audit.access import auditable_armls, scope_armls
from audit.models import AuditEvent, Checkpoint

REFUSAL_SUFFIX = ".refused_attempt"


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Events of the ARMLs in the user's scope (all of them, ARML-less ones too, for superusers)."""
    if user.is_authenticated and user.is_superuser:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(arml__in=scope_armls(user))


def events_auditable_by(user: Any) -> QuerySet[AuditEvent]:
    """Events of the ARMLs whose full ledger the user may read (audit.rules)."""
    if user.is_authenticated and user.is_superuser:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(arml__in=auditable_armls(user))


def events_for_object(obj: Model) -> QuerySet[AuditEvent]:
    """One object's history, oldest first (the lifecycle pages check access to the object)."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("seq")


def history_for(obj: Model, viewer: Any) -> QuerySet[AuditEvent]:
    """One object's history as `viewer` may see it (the lifecycle pages and API, issue 13.10).

    Those who may audit an event's ARML (audit.access) see everything; the others see the
    history without other people's refused attempts (their own stay visible to them). Each
    event carries `network_visible`: whether its IP address and user agent may be shown.
    """
    events = events_for_object(obj)
    if viewer.is_authenticated and viewer.is_superuser:
        return events.annotate(network_visible=Value(True, output_field=BooleanField()))
    auditable = Q(arml__in=auditable_armls(viewer).values("pk"))
    mine = Q(actor_id=viewer.pk) if viewer.is_authenticated else Q(pk__in=[])
    return events.filter(auditable | ~Q(action__endswith=REFUSAL_SUFFIX) | mine).annotate(
        network_visible=Case(
            When(auditable, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def filter_events(
    events: QuerySet[AuditEvent],
    *,
    arml: Any = None,
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    if arml:
        events = events.filter(arml=arml)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor:
        by_name = Q(actor_name__icontains=actor) | Q(principal_name__icontains=actor)
        events = events.filter(by_name | Q(actor_id=int(actor)) if actor.isdigit() else by_name)
    if action:
        events = events.filter(action__startswith=action)
    if date_from:
        events = events.filter(time__date__gte=date_from)
    if date_to:
        events = events.filter(time__date__lte=date_to)
    return events


@dataclass(frozen=True)
class LedgerPage:
    events: list[AuditEvent]
    newer: int | None  # pass as ?after= to see the newer events
    older: int | None  # pass as ?before= to see the older events


def ledger_page(
    events: QuerySet[AuditEvent],
    *,
    after: int | None = None,
    before: int | None = None,
    limit: int = 50,
) -> LedgerPage:
    """Newest first, keyset by seq: constant cost at any depth, stable while events arrive."""
    if after is not None:
        rows = list(events.filter(seq__gt=after).order_by("seq")[: limit + 1])
        more_newer = len(rows) > limit
        rows = rows[:limit][::-1]
        more_older = events.filter(seq__lte=after).exists()
    else:
        page = events.filter(seq__lt=before) if before is not None else events
        rows = list(page.order_by("-seq")[: limit + 1])
        more_older = len(rows) > limit
        rows = rows[:limit]
        more_newer = before is not None and events.filter(seq__gte=before).exists()
    return LedgerPage(
        events=rows,
        newer=rows[0].seq if rows and more_newer else None,
        older=rows[-1].seq if rows and more_older else None,
    )


def checkpoints_list() -> QuerySet[Checkpoint]:
    return Checkpoint.objects.order_by("-tree_size")
