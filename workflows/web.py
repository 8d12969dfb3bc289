"""The page side of every lifecycle: the panel context and the POST that performs a transition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.client import request_info as request_info  # the one builder, re-exported
from governance.organisations import limits
from workflows import errors
from workflows.diagram import lifecycle_svg
from workflows.engine import perform
from workflows.lifecycle import Lifecycle
from workflows.selectors import history_of, transition_options


def lifecycle_context(request: HttpRequest, obj: Lifecycle) -> dict[str, Any]:
    return {
        "lifecycle_obj": obj,
        "state_label": obj.state_label(),
        "diagram": lifecycle_svg(type(obj), obj.state),
        "options": transition_options(obj, request.user),
        "documents": documents_of(obj),
        "history": history_of(obj, viewer=request.user),
        "comment_max_length": limits.COMMENT,
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


def problems_of(exc: BaseException) -> list[str]:
    """The sentences a refused act shows on the page (one per field problem)."""
    if isinstance(exc, errors.TransitionError):
        return [exc.message]
    return list(getattr(exc, "messages", None) or [str(exc)])


def act_post(
    request: HttpRequest,
    target: Any,
    call: Callable[[], Any],
    success: str,
    anchor: str = "",
) -> HttpResponse:
    """POST-redirect-GET for an act outside transitions: run it, then say what happened (or
    why not) on `target`'s page (an object or a URL), at `anchor`."""
    try:
        call()
    except (errors.TransitionError, PermissionDenied, ValidationError) as exc:
        for problem in problems_of(exc):
            messages.error(request, problem)
    else:
        messages.success(request, success)
    url = target if isinstance(target, str) else target.get_absolute_url()
    return HttpResponseRedirect(url + anchor)


def transition_view(scoped: Callable[[Any], QuerySet[Any]]) -> Callable[..., HttpResponse]:
    """The page view that performs transition `name` on the object `pk` among `scoped(user)`
    (404 outside the user's scope): one for every lifecycle."""

    @require_POST
    def view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
        return transition_post(request, get_object_or_404(scoped(request.user), pk=pk), name)

    return view


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
