"""The one page action for attachments on any object: POST a file from the object's page
(workflows/_attachments_panel.html), then back to the page (POST-redirect-GET)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from permissions.selectors import armls_for
from workflows import errors
from workflows.attachments import attachment_add
from workflows.web import request_info


def attachable(user: Any, label: str, pk: int) -> Any:
    """The object `label` ("governance.convention") `pk` if it takes attachments and lies in
    the user's scope; 404 otherwise (never which of the two)."""
    from workflows.lifecycle import Lifecycle

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not (issubclass(model, Lifecycle) or hasattr(model, "attachment_roles")):
        raise Http404
    obj = model.objects.filter(pk=pk, arml__in=armls_for(user)).first()
    if obj is None:
        raise Http404
    return obj


@require_POST
def attachment_upload(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    obj = attachable(request.user, label, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise errors.InvalidData(_("Choose the file to attach."), code="file_required")
        attachment_add(
            actor=request.user,
            obj=obj,
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            filename=upload.name or "",
            content=upload.read(),
            supersedes=request.POST.get("supersedes") or None,
            reason=request.POST.get("reason", ""),
            request_info=request_info(request),
        )
    except errors.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is attached, with its SHA-256, and ledgered."))
    return HttpResponseRedirect(obj.get_absolute_url() + "#h-attachments")
