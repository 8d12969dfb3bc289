"""The page side of every lifecycle: the panel context and the POST that performs a transition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.client import request_info as request_info  # the one builder, re-exported
from governance.organisations import limits
from permissions.requests import AuthenticatedRequest
from workflows import errors, second_factor
from workflows.diagram import lifecycle_svg
from workflows.engine import perform
from workflows.lifecycle import Lifecycle
from workflows.selectors import history_of, transition_options


def lifecycle_context(request: AuthenticatedRequest, obj: Lifecycle) -> dict[str, Any]:
    options = transition_options(obj, request.user)
    signing = next((o for o in options if o.allowed and o.countersign), None)
    return {
        "lifecycle_obj": obj,
        "state_label": obj.state_label(),
        "diagram": lifecycle_svg(type(obj), obj.state),
        "options": options,
        "what_you_sign": what_you_sign(obj, signing.countersign) if signing else None,
        "documents": documents_of(obj),
        "history": history_of(obj, viewer=request.user),
        "comment_max_length": limits.COMMENT,
        **attachments_context(request, obj),
    }


def attachments_context(request: AuthenticatedRequest, obj: Any) -> dict[str, Any]:
    """What the attachments panel shows (workflows/_attachments_panel.html), for any object."""
    from django.urls import reverse

    from permissions.authorization import may
    from workflows.attachments import ATTACH, attachments_of, kind_choices

    return {
        "attachments": attachments_of(obj),
        "may_attach": may(request.user, obj, ATTACH),
        "attachment_kinds": kind_choices(),
        "attachment_upload_url": reverse(
            "workflows:attachment_upload", args=[obj._meta.label_lower, obj.pk]
        ),
    }


def what_you_sign(obj: Lifecycle, kind: str) -> dict[str, Any] | None:
    """What a countersigner signs, shown above the button: the document's title, kind and
    date, its reference, content version and fingerprint (as its footer prints them), the
    totals per year and per funder of its funding, who signed and who still has to, and a
    link to the exact PDF (the latest version of the file, the one the signature extends)."""
    from decimal import Decimal

    from workflows.documents import current_document

    document = current_document(obj, kind)
    if document is None:
        return None
    versions = list(
        document.versions.select_related("signature__signer", "signature__on_behalf_of").order_by(
            "n"
        )
    )
    facts = document.facts or {}
    per_year: dict[str, Decimal] = {}
    per_funder: dict[str, Decimal] = {}
    for line in facts.get("funding") or []:
        amount = Decimal(str(line.get("amount") or 0))
        year, funder = str(line.get("year", "")), str(line.get("funder", ""))
        per_year[year] = per_year.get(year, Decimal(0)) + amount
        per_funder[funder] = per_funder.get(funder, Decimal(0)) + amount
    signed = {v.signature.field: v.signature for v in versions if getattr(v, "signature", None)}
    return {
        "document": document,
        "latest": versions[-1] if versions else None,
        "reference": facts.get("reference", ""),
        "version": facts.get("version", ""),
        "fingerprint": document.facts_sha256,
        "per_year": sorted(per_year.items()),
        "per_funder": sorted(per_funder.items()),
        "total": sum(per_year.values(), Decimal(0)),
        "signed": [
            (slot, signed[slot["field"]])
            for slot in document.signer_slots
            if slot["field"] in signed
        ],
        "awaited": [slot for slot in document.signer_slots if slot["field"] not in signed],
    }


def documents_of(obj: Lifecycle) -> list[Any]:
    """The object's documents, newest first, each with its versions and their signatures (read
    once per GET: the page's documents panel and its signature panel both show them)."""
    from config.request_cache import memo

    return memo(("documents of", obj._meta.label_lower, obj.pk), lambda: _documents_of(obj))


def _documents_of(obj: Lifecycle) -> list[Any]:
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
    request: AuthenticatedRequest,
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
    def view(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
        return transition_post(request, get_object_or_404(scoped(request.user), pk=pk), name)

    return view


def transition_post(request: AuthenticatedRequest, obj: Lifecycle, name: str) -> HttpResponse:
    """POST-redirect-GET: perform, then say what happened (or why not) on the object's page.

    A transition that signs, attempted without a valid second-factor confirmation, answers the
    confirmation form instead (403, in French): it posts the same fields back with the code,
    and the act proceeds. One mechanism for every lifecycle, in the engine and here."""
    data = {key: request.POST.get(key, "") for key in request.POST if key.startswith("data_")}
    try:
        outcome = perform(
            obj,
            name,
            actor=request.user,
            comment=request.POST.get("comment", ""),
            data={key.removeprefix("data_"): value for key, value in data.items()},
            request_info=request_info(request),
            proof=second_factor.proof_from(request, request.POST.get("otp", "")),
        )
    except (errors.SecondFactorRequired, errors.SecondFactorInvalid) as exc:
        return second_factor_form(request, obj, name, exc, data)
    except errors.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Done: %(action)s. The signed document and the ledger entry n°%(seq)s are recorded.")
            % {"action": outcome.spec.label, "seq": outcome.event.seq},
        )
    return HttpResponseRedirect(obj.get_absolute_url())


def second_factor_form(
    request: AuthenticatedRequest,
    obj: Lifecycle,
    name: str,
    exc: errors.TransitionError,
    data: dict[str, str],
) -> HttpResponse:
    """The confirmation form: the passkey's button (for a person who has one; the browser's
    ceremony confirms the session, then posts the act), the code field, the act's own fields
    carried over, and — with
    DEBUG on, for a demo account only — the current demo code, marked as a demo aid."""
    from workflows.specs import spec_for

    context = {
        "obj": obj,
        "spec": spec_for(obj, name),
        "refusal": exc,
        "invalid": isinstance(exc, errors.SecondFactorInvalid),
        "enrolled": second_factor.enrolled(request.user),
        "passkey": second_factor.has_passkey(request.user),
        "codes": second_factor.totp_device(request.user) is not None
        or second_factor.recovery_codes_left(request.user) > 0,
        "comment": request.POST.get("comment", ""),
        "data": sorted(data.items()),
        "minutes": int(second_factor.window().total_seconds() // 60),
        "demo_code": second_factor.demo_code(request.user),
        "action_url": request.path,
    }
    return render(request, "workflows/second_factor_confirm.html", context, status=exc.status)
