"""The page side of every lifecycle: the panel context and the POST that performs a transition."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from workflows import errors
from workflows.diagram import lifecycle_svg
from workflows.engine import perform
from workflows.lifecycle import Lifecycle
from workflows.selectors import history_of, transition_options


def request_info(request: HttpRequest) -> dict[str, str]:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
    return {"ip": ip, "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]}


def lifecycle_context(request: HttpRequest, obj: Lifecycle) -> dict[str, Any]:
    return {
        "lifecycle_obj": obj,
        "state_label": obj.state_label(),
        "diagram": lifecycle_svg(type(obj), obj.state),
        "options": transition_options(obj, request.user),
        "documents": documents_of(obj),
        "history": history_of(obj, viewer=request.user),
    }


def documents_of(obj: Lifecycle) -> list[Any]:
    """The object's documents, newest first, each with its versions and their signatures."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Prefetch

    from documents.models import Document, DocumentVersion

    versions = DocumentVersion.objects.order_by("n").select_related(
        "signature__signer", "signature__on_behalf_of"
    )
    documents = list(
        Document.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .select_related("supersession")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("-created_at", "-pk")
    )
    for document in documents:
        all_versions = list(document.versions.all())
        document.latest = all_versions[-1] if all_versions else None
        document.all_signatures = [
            v.signature for v in all_versions if getattr(v, "signature", None) is not None
        ]
    return documents


def transition_post(request: HttpRequest, obj: Lifecycle, name: str) -> HttpResponse:
    """POST-redirect-GET: perform, then say what happened (or why not) on the object's page."""
    data = {key: request.POST.get(key, "") for key in request.POST if key.startswith("data_")}
    try:
        outcome = perform(
            obj,
            name,
            actor=request.user,
            comment=request.POST.get("comment", ""),
            data={key.removeprefix("data_"): value for key, value in data.items()},
            request_info=request_info(request),
        )
    except errors.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Done: %(action)s. The signed document and the ledger entry n°%(seq)s are recorded.")
            % {"action": outcome.spec.label, "seq": outcome.event.seq},
        )
    return HttpResponseRedirect(obj.get_absolute_url())
