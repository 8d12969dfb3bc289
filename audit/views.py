"""Auditors' pages: the ledger, one event (with its verification), the checkpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit import selectors
from audit.forms import LedgerFilterForm
from audit.rules import auditable_armls
from audit.verification import check_event


def _auditable(request: HttpRequest):  # type: ignore[no-untyped-def]
    armls = auditable_armls(request.user)
    if not request.user.is_superuser and not armls.exists():
        raise PermissionDenied(_("Only auditors, presidents and directors read the ledger."))
    return armls


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def event_list(request: HttpRequest) -> HttpResponse:
    armls = _auditable(request)
    form = LedgerFilterForm(request.GET or None, armls=armls)
    events = selectors.events_auditable_by(request.user)
    if form.is_valid():
        events = selectors.filter_events(events, **form.cleaned_data)
    page = selectors.ledger_page(
        events.select_related("arml"),
        after=_int(request.GET.get("after")),
        before=_int(request.GET.get("before")),
    )
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    _auditable(request)
    event = get_object_or_404(
        selectors.events_auditable_by(request.user).select_related("arml"), seq=seq
    )
    check = check_event(event) if request.GET.get("verify") else None
    history = (
        selectors.events_for_object(event).filter(
            pk__in=selectors.events_auditable_by(request.user).values("pk")
        )
        if event.object_type
        else []
    )
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "check": check,
            "history": history,
            "versions": _versions(event),
            "object_url": _object_url(event),
            "api_url": reverse("audit-event-detail", args=[event.seq]),
        },
    )


def _object_url(event) -> str:  # type: ignore[no-untyped-def]
    """The page of the event's object, found through the model registry (audit imports no
    room): the way back from the ledger to what it records."""
    from django.apps import apps

    if not event.object_type or not event.object_id:
        return ""
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return ""
    obj = model._default_manager.filter(pk=event.object_id).first()
    getter = getattr(obj, "get_absolute_url", None)
    return getter() if getter else ""


def _versions(event) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """The documents the event issued or signed, each with its title and version number."""
    from documents.models import DocumentVersion

    ids = [item["version_id"] for item in event.documents if item.get("version_id")]
    found = {v.pk: v for v in DocumentVersion.objects.filter(pk__in=ids).select_related("document")}
    result = []
    for item in event.documents:
        version = found.get(item.get("version_id"))
        result.append(
            {
                **item,
                "url": version.get_absolute_url() if version else "",
                "title": version.document.title if version else "",
                "n": version.n if version else "",
            }
        )
    return result


def checkpoint_list(request: HttpRequest) -> HttpResponse:
    _auditable(request)
    checkpoints = selectors.checkpoints_list()[:200]
    return render(request, "audit/checkpoint_list.html", {"checkpoints": checkpoints})
