"""Attachments on any lifecycle object (issue 14.1): one mechanism for every room.

- who may attach: anyone who may act on the object, i.e. holds (or acts by delegation for
  someone holding) one of the roles its transitions declare, or the roles the model adds in
  `attachment_roles` (a payment, which has no transitions);
- what: a kind of evidence from KINDS (rooms may declare theirs with `attachment_kind`), a title,
  the file, type-checked by content and size-capped by documents/attachments.py;
- never edited nor deleted: a newer attachment of the same object supersedes an older one, with
  a reason;
- ledgered (`<prefix>.attachment_added`, the file's SHA-256 in the event's data: the audit
  export carries the file and the offline verifier checks it);
- a transition may require one (`step(..., attachments=[Attached(kind)])`): see specs.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.attachments import AttachmentRefused, store
from documents.models import Attachment
from permissions.authorization import act
from workflows import errors
from workflows.acts import record, refusals_ledgered, require

#: The kinds of evidence, code → label. The common ones here; rooms add theirs.
KINDS: dict[str, str | Promise] = {
    "cp_deliberation": gettext_lazy("Deliberation of the Region's commission permanente"),
    "delegation_order": gettext_lazy("Order (arrêté) delegating the signature"),
    "approved_accounts": gettext_lazy("Approved accounts"),
    "auditor_report": gettext_lazy("Statutory auditor's report"),
    "payment_notice": gettext_lazy("Notice of payment"),
    "other": gettext_lazy("Other evidence"),
}


def attachment_kind(code: str, label: str | Promise) -> str:
    """Declare a kind of evidence (once per code); returns the code."""
    KINDS.setdefault(code, label)
    return code


def kind_label(code: str) -> str:
    return str(KINDS.get(code, code))


def attaching_roles(obj: Any) -> frozenset[str]:
    """The roles that may act on `obj`: every role its transitions declare, and its own list."""
    from workflows.lifecycle import Lifecycle
    from workflows.specs import specs_of

    roles: set[str] = set(getattr(obj, "attachment_roles", ()))
    if isinstance(obj, Lifecycle):
        for spec in specs_of(type(obj)).values():
            roles |= spec.roles
    return frozenset(roles)


ATTACH = act("attachment.add", label=gettext_lazy("Attach evidence"), roles=attaching_roles)


def attachments_of(obj: Any) -> list[Attachment]:
    """Every attachment of `obj`, oldest first, superseded ones included (flagged)."""
    found = list(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .select_related("uploaded_by", "on_behalf_of", "superseded_by")
        .order_by("created_at", "pk")
    )
    for attachment in found:
        attachment.kind_label = kind_label(attachment.kind)
    return found


def current_of(obj: Any, kind: str) -> Attachment | None:
    return (
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            kind=kind,
            superseded_by__isnull=True,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def has_current(obj: Any, kind: str) -> bool:
    return current_of(obj, kind) is not None


def _subject(kwargs: dict[str, Any]) -> Any:
    return kwargs["obj"]


@refusals_ledgered("attach", _subject)
def attachment_add(
    *,
    actor: Any,
    obj: Any,
    kind: str,
    title: str,
    filename: str,
    content: bytes,
    supersedes: int | str | Attachment | None = None,
    reason: str = "",
    request_info: dict[str, str] | None = None,
) -> Attachment:
    """Attach a file to `obj` (see the module docstring); refusals are ledgered."""
    principal = require(actor, obj, ATTACH)
    if kind not in KINDS:
        raise errors.InvalidData(
            _("Unknown kind of evidence: %(kind)s.") % {"kind": kind}, code="invalid_data"
        )
    title = (title or "").strip() or kind_label(kind)
    reason = (reason or "").strip()
    with transaction.atomic():
        previous = _superseded(obj, supersedes, reason)
        try:
            attachment = store(
                obj=obj,
                arml=getattr(obj, "arml", None),
                kind=kind,
                title=title,
                filename=filename,
                content=content,
                uploaded_by=actor,
                on_behalf_of=principal.person if principal.delegation is not None else None,
                supersedes=previous,
                reason=reason,
            )
        except AttachmentRefused as exc:
            raise errors.InvalidData(exc.message, code=exc.code) from None
        record(
            obj,
            "attachment_added",
            actor=actor,
            principal=principal,
            data={"attachment": ledger_data(attachment)},
            comment=reason,
            request_info=request_info,
        )
    return attachment


def _superseded(
    obj: Any, supersedes: int | str | Attachment | None, reason: str
) -> Attachment | None:
    if supersedes in (None, ""):
        return None
    pk = supersedes.pk if isinstance(supersedes, Attachment) else supersedes
    previous = (
        Attachment.objects.select_for_update()
        .filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .filter(pk=pk)
        .first()
    )
    if previous is None:
        raise errors.InvalidData(
            _("The attachment to supersede does not belong to this item."),
            code="attachment_unknown",
        )
    if previous.is_superseded:
        raise errors.InvalidState(
            _("This attachment is already superseded: supersede the newer one."),
            code="attachment_superseded",
        )
    if not reason:
        raise errors.InvalidData(
            _("Give the reason why the new file supersedes the previous one."),
            code="reason_required",
        )
    return previous


def ledger_data(attachment: Attachment) -> dict[str, Any]:
    """What the ledger records of an attachment (the audit export carries the file)."""
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "title": attachment.title,
        "filename": attachment.filename,
        "format": attachment.format,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "supersedes": attachment.supersedes_id,
    }


def as_json(attachment: Attachment) -> dict[str, Any]:
    """The API's shape of an attachment."""
    from django.urls import reverse

    return {
        **ledger_data(attachment),
        "kind_label": kind_label(attachment.kind),
        "mimetype": attachment.mimetype,
        "uploaded_by": str(attachment.uploaded_by),
        "on_behalf_of": str(attachment.on_behalf_of) if attachment.on_behalf_of else "",
        "created_at": attachment.created_at.isoformat(),
        "reason": attachment.reason,
        "superseded": attachment.is_superseded,
        "content_url": reverse("documents:attachment_content", args=[attachment.pk]),
    }


def kind_choices(codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in KINDS.items() if codes is None or code in codes]
