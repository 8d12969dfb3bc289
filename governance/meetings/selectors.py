"""The register of deliberations: the hook other lifecycles use, the register and extracts."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from governance.meetings.models import Deliberation, ExtractRequest
from governance.organisations.models import Arml, Person
from permissions.selectors import armls_for
from workflows import errors


def adopted_deliberation_for(
    obj: Model, *, body_kinds: set[str], fingerprint: str | None = None
) -> Deliberation | None:
    """A final, adopted deliberation whose agenda item points at `obj` (with that exact
    `subject_fingerprint` when given), of a meeting of one of `body_kinds` in obj's ARML."""
    if obj.pk is None:
        return None
    qs = Deliberation.objects.filter(
        adopted=True,
        final_at__isnull=False,
        arml_id=obj.arml_id,
        body_kind__in=set(body_kinds),
        item__subject_content_type=ContentType.objects.get_for_model(obj),
        item__subject_id=str(obj.pk),
    )
    if fingerprint is not None:
        qs = qs.filter(item__subject_fingerprint=fingerprint)
    return qs.order_by("-final_at", "-pk").first()


def register_for(
    user: Person, arml: Arml, *, body_kind: str = "", year: int | None = None
) -> QuerySet[Deliberation]:
    """The ARML's register: numbered (adopted) deliberations, newest first."""
    qs = Deliberation.objects.filter(arml=arml, arml__in=armls_for(user), sequence__isnull=False)
    if body_kind:
        qs = qs.filter(body_kind=body_kind)
    if year:
        qs = qs.filter(year=year)
    return (
        qs.select_related("item", "meeting__body")
        .prefetch_related("extract_requests")
        .order_by("-year", "body_kind", "-sequence")
    )


def attach_extract_downloads(rows: list[Deliberation]) -> None:
    """Set `download_id` (the latest version of the signed extract) on each issued request."""
    from documents.models import DocumentVersion

    requests = [x for d in rows for x in d.extract_requests.all()]
    versions = (
        DocumentVersion.objects.filter(
            document__content_type=ContentType.objects.get_for_model(ExtractRequest),
            document__object_id__in=[str(x.pk) for x in requests],
            document__kind="extract",
        )
        .order_by("n")
        .values_list("document__object_id", "pk")
    )
    latest = dict(versions)
    for x in requests:
        x.download_id = latest.get(str(x.pk))


def register_years(arml: Arml) -> list[int]:
    return sorted(
        set(Deliberation.objects.filter(arml=arml).values_list("year", flat=True)), reverse=True
    )


def deliberations_for(user: Person) -> QuerySet[Deliberation]:
    return Deliberation.objects.filter(arml__in=armls_for(user)).select_related(
        "item", "meeting__body"
    )


def extract_requests_for(user: Person) -> QuerySet[ExtractRequest]:
    return ExtractRequest.objects.filter(arml__in=armls_for(user)).select_related(
        "deliberation__item", "deliberation__meeting__body", "requested_by", "arml"
    )


@transaction.atomic
def extract_request_create(
    *, deliberation: Deliberation, actor: Person, **info: Any
) -> ExtractRequest:
    """Anyone in the ARML's scope asks for a certified extract of a final, adopted deliberation;
    the president issues it (the `issue` transition)."""
    from audit.services import append

    if not armls_for(actor).filter(pk=deliberation.arml_id).exists():
        raise PermissionDenied(_("This deliberation is outside your scope."))
    if not (deliberation.adopted and deliberation.is_final):
        raise errors.InvalidState(
            _(
                "Only a final, adopted deliberation can be extracted: "
                "the minutes must be signed first."
            )
        )
    request = ExtractRequest.objects.create(
        arml_id=deliberation.arml_id, deliberation=deliberation, requested_by=actor
    )
    append(
        action="extract_request.requested",
        actor=actor,
        principal=actor,
        obj=request,
        arml=request.arml,
        to_state=request.state,
        data={"deliberation": deliberation.number},
        request_info=info.get("request_info"),
    )
    return request
