"""Issue, countersign and supersede documents (keyword-only services, docs/architecture.md).

Ordering guarantees: bytes are written to storage first, rows are inserted afterwards in one
transaction, so a committed row never points at a missing file. If the transaction fails the
file is removed at once when possible, and `manage.py documents gc` collects what remains.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from documents import signing, storage
from documents.capacity import Capacity, DelegationEvidence
from documents.exceptions import CountersignRefused, DocumentError, StorageMismatch
from documents.models import Document, DocumentVersion, Signature, Supersession
from documents.renderers import canonical_facts, get_renderer

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def issue(
    *,
    obj: models.Model,
    kind: str,
    facts: Mapping[str, Any] | Any,
    actor: Any,
    role: str,
    signer_slots: Iterable[Mapping[str, str]],
    capacity: Capacity | None = None,
    on_behalf_of: Any = None,
    delegation: DelegationEvidence | None = None,
    sign_field: str | None = None,
    title: str = "",
    arml: Any = None,
    second_factor: str = "",
) -> DocumentVersion:
    """Render, add one signature field per expected signer, optionally sign `sign_field`,
    store the bytes, then insert the rows. Returns version 1.

    `signer_slots`: [{"field", "role", "label", "name"?}], in the order of the signature block.
    `facts` is copied into the document; its `signers` default to the slots.
    `capacity`: in which capacity `actor` signs (its role must be `role`); the caller reads it
    from mandates (default: the bare role, for the platform). `on_behalf_of` and `delegation`:
    the principal and the delegation when the actor signs for someone else. `arml`: the ARML
    the document belongs to (who may see it); documents/ does not guess it from `obj`.
    `second_factor`: the kind of second factor that confirmed the act of signing ("totp",
    "webauthn", "recovery"; "" when none was asked), recorded on the signature row.
    """
    capacity = _capacity(capacity, role)
    slots = _clean_slots(signer_slots)
    data = canonical_facts(facts)
    data.setdefault("signers", slots)
    if sign_field is not None:
        _check_slot(slots, sign_field, role)
    rendered = get_renderer(kind).render_with_layout(data)
    placements = [
        signing.FieldPlacement(
            slot["field"],
            slot["label"],
            *(
                (rendered.boxes[slot["field"]].page, rendered.boxes[slot["field"]].rect)
                if slot["field"] in rendered.boxes
                else (0, None)
            ),
        )
        for slot in slots
    ]
    content, signed = signing.prepare_and_sign(
        rendered.content,
        placements=placements,
        sign_field=sign_field,
        person=actor,
        capacity=capacity,
        reason=_reason(slots, sign_field),
        on_behalf=_evidence(on_behalf_of, delegation),
    )
    key = storage.write(kind, content)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                kind=kind,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                arml=arml,
                title=title or data.get("title") or rendered.filename,
                signer_slots=slots,
                facts=data,
                facts_sha256=rendered.facts_sha256,
                created_by=actor,
            )
            version = _create_version(document, None, content, key, rendered.filename, actor)
            if signed is not None:
                _create_signature(
                    version, signed, actor, on_behalf_of, role, delegation, second_factor
                )
    except BaseException:
        storage.discard(key)
        raise
    return version


def countersign(
    *,
    version: DocumentVersion,
    field: str,
    actor: Any,
    role: str,
    capacity: Capacity | None = None,
    on_behalf_of: Any = None,
    delegation: DelegationEvidence | None = None,
    second_factor: str = "",
) -> DocumentVersion:
    """Fill `field` on the latest version; the new version's bytes extend the previous ones.

    `capacity`, `on_behalf_of`, `delegation`, `second_factor`: as for `issue()`."""
    capacity = _capacity(capacity, role)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=version.document_id)
        latest = document.versions.order_by("-n").first()
        if document.is_superseded:
            raise CountersignRefused(_("This document has been superseded."))
        if latest is None or latest.pk != version.pk:
            raise CountersignRefused(_("Only the latest version of a document can be signed."))
        _check_slot(document.signer_slots, field, role)
        if Signature.objects.filter(version__document=document, field=field).exists():
            raise CountersignRefused(
                _("The signature field %(field)s is already signed.") % {"field": field}
            )
        previous = read_verified(version)
        signed = signing.sign(
            previous,
            field=field,
            person=actor,
            capacity=capacity,
            reason=_reason(document.signer_slots, field),
            on_behalf=_evidence(on_behalf_of, delegation),
        )
        if not signed.content.startswith(previous):
            raise CountersignRefused(
                _("The signed file does not extend the previous version; refused.")
            )
        key = storage.write(document.kind, signed.content)
        try:
            with transaction.atomic():
                new = _create_version(
                    document, version, signed.content, key, version.filename, actor
                )
                _create_signature(new, signed, actor, on_behalf_of, role, delegation, second_factor)
        except BaseException:
            storage.discard(key)
            raise
    return new


def supersede(
    *, document: Document, reason: str, replaced_by: Document | None = None
) -> Supersession:
    """Mark a document as replaced; its versions and signatures stay as they were."""
    if not reason.strip():
        raise DocumentError(_("A reason is required to supersede a document."))
    with transaction.atomic():
        Document.objects.select_for_update().get(pk=document.pk)
        if Supersession.objects.filter(document=document).exists():
            raise DocumentError(_("This document has already been superseded."))
        return Supersession.objects.create(
            document=document, reason=reason, replaced_by=replaced_by
        )


def read_verified(version: DocumentVersion) -> bytes:
    """The version's bytes, refused if they differ from the recorded hash and size."""
    try:
        content = storage.read(version.storage_key)
    except (FileNotFoundError, OSError) as exc:
        raise StorageMismatch(_("The file of this version is missing.")) from exc
    if len(content) != version.size or hashlib.sha256(content).hexdigest() != version.sha256:
        raise StorageMismatch(_("The stored file does not match its recorded SHA-256."))
    return content


# Helpers ------------------------------------------------------------------------------------


def _create_version(
    document: Document,
    parent: DocumentVersion | None,
    content: bytes,
    key: str,
    filename: str,
    actor: Any,
) -> DocumentVersion:
    return DocumentVersion.objects.create(
        document=document,
        n=parent.n + 1 if parent else 1,
        parent=parent,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        storage_key=key,
        filename=filename,
        created_by=actor,
    )


def _create_signature(
    version: DocumentVersion,
    signed: signing.SignedPdf,
    actor: Any,
    on_behalf_of: Any,
    role: str,
    delegation: DelegationEvidence | None,
    second_factor: str = "",
) -> Signature:
    evidence = _evidence(on_behalf_of, delegation)
    return Signature.objects.create(
        version=version,
        field=signed.field,
        signer=actor,
        on_behalf_of=on_behalf_of,
        role=role,
        certificate_fingerprint=signed.fingerprint,
        signed_at=signed.signed_at,
        timestamped_at=signed.timestamped_at,
        delegation=evidence.as_dict() if evidence is not None else {},
        second_factor=second_factor,
    )


def _capacity(capacity: Capacity | None, role: str) -> Capacity:
    if capacity is None:
        return Capacity(role)
    if capacity.role != role:
        raise DocumentError(
            _("The signer's capacity is for the role %(capacity)s, not %(role)s.")
            % {"capacity": capacity.role, "role": role}
        )
    return capacity


def _evidence(
    on_behalf_of: Any, delegation: DelegationEvidence | None
) -> DelegationEvidence | None:
    """What the signature says about a principal: the delegation given, or at least a name."""
    if delegation is not None:
        return delegation
    return DelegationEvidence(principal=str(on_behalf_of)) if on_behalf_of is not None else None


def _clean_slots(signer_slots: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    slots, seen = [], set()
    for raw in signer_slots:
        field = str(raw.get("field", ""))
        if not _FIELD_NAME.match(field) or field in seen:
            raise DocumentError(
                _("Invalid or duplicate signature field name: %(field)s") % {"field": field}
            )
        seen.add(field)
        slots.append(
            {
                "field": field,
                "role": str(raw.get("role", "")),
                "label": str(raw.get("label", "")),
                "name": str(raw.get("name", "")),
            }
        )
    return slots


def _check_slot(slots: Iterable[Mapping[str, str]], field: str, role: str) -> None:
    slot = next((s for s in slots if s["field"] == field), None)
    if slot is None:
        raise CountersignRefused(
            _("This document has no signature field %(field)s.") % {"field": field}
        )
    if slot.get("role") and slot["role"] != role:
        raise CountersignRefused(
            _("The field %(field)s is for the role %(expected)s, not %(role)s.")
            % {"field": field, "expected": slot["role"], "role": role}
        )


def _reason(slots: Iterable[Mapping[str, str]], field: str | None) -> str:
    slot = next((s for s in slots if s["field"] == field), None)
    return slot["label"] if slot and slot.get("label") else ""
