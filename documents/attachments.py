"""Attached evidence (pièces jointes): a deliberation, an arrêté, approved accounts, a notice
of payment. Stored like issued documents (the "documents" storage, SHA-256 recorded), never
edited nor deleted: a newer file supersedes an older one with a reason.

What a file is, is read from its bytes, never from its name: a PDF starts with `%PDF-`, the
office formats are ZIP packages whose entries say what they hold (OpenDocument: the `mimetype`
entry; Office Open XML: `[Content_Types].xml` and the `word/` or `xl/` part). An executable
renamed `.pdf` is therefore refused. Like the rest of documents/, nothing here imports
governance/: who may attach, and what for, is the caller's business (workflows/attachments.py).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import storage


@dataclass(frozen=True)
class Format:
    code: str
    label: Any
    mimetype: str
    extension: str


#: The formats accepted (README § Pièces jointes lists them).
FORMATS = {
    f.code: f
    for f in (
        Format("pdf", gettext_lazy("PDF document"), "application/pdf", "pdf"),
        Format(
            "odt",
            gettext_lazy("OpenDocument text"),
            "application/vnd.oasis.opendocument.text",
            "odt",
        ),
        Format(
            "ods",
            gettext_lazy("OpenDocument spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
            "ods",
        ),
        Format(
            "docx",
            gettext_lazy("Word document (.docx)"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        Format(
            "xlsx",
            gettext_lazy("Excel workbook (.xlsx)"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    )
}
_ODF = {f.mimetype: f.code for f in FORMATS.values() if f.code in {"odt", "ods"}}


class AttachmentRefused(ValueError):
    """A file refused, with the stable code and the French sentence the user reads."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sniff(content: bytes) -> str | None:
    """The format of `content` read from its bytes, or None when it is none of FORMATS."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
            if "mimetype" in names:
                return _ODF.get(package.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def max_bytes() -> int:
    return int(getattr(settings, "ARML_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def check(content: bytes) -> Format:
    """The format of an acceptable file, or AttachmentRefused (empty, too large, wrong type)."""
    if not content:
        raise AttachmentRefused("attachment_empty", _("The file is empty."))
    if len(content) > max_bytes():
        raise AttachmentRefused(
            "attachment_too_large",
            _("The file is too large (%(size)s MB); at most %(max)s MB are accepted.")
            % {"size": f"{len(content) / 1048576:.1f}", "max": max_bytes() // 1048576},
        )
    code = sniff(content)
    if code is None:
        raise AttachmentRefused(
            "attachment_type_refused",
            _(
                "This file is not an accepted document (read from its content, not its name): "
                "PDF, OpenDocument (.odt, .ods) or Office (.docx, .xlsx) only."
            ),
        )
    return FORMATS[code]


def clean_filename(name: str, fmt: Format) -> str:
    """The name kept: the user's (without its folders), ending with the real extension."""
    base = (name or "piece").replace("\\", "/").rsplit("/", 1)[-1].strip() or "piece"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:120]}.{fmt.extension}"


def store(
    *,
    obj: models.Model,
    arml: Any,
    kind: str,
    title: str,
    filename: str,
    content: bytes,
    uploaded_by: Any,
    on_behalf_of: Any = None,
    supersedes: Any = None,
    reason: str = "",
) -> Any:
    """Check, write the bytes, then insert the row (in the caller's transaction); returns it."""
    from documents.models import Attachment

    fmt = check(content)
    key = storage.write("attachments", content, extension=fmt.extension)
    try:
        with transaction.atomic():
            return Attachment.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                arml=arml,
                kind=kind,
                title=title[:255],
                filename=clean_filename(filename, fmt),
                format=fmt.code,
                mimetype=fmt.mimetype,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                storage_key=key,
                uploaded_by=uploaded_by,
                on_behalf_of=on_behalf_of,
                supersedes=supersedes,
                reason=reason,
            )
    except BaseException:
        storage.discard(key)
        raise


def file_matches(attachment: Any) -> bool:
    """Whether the stored bytes still have the SHA-256 recorded (audit verify)."""
    try:
        content = storage.read(attachment.storage_key)
    except OSError:
        return False
    return hashlib.sha256(content).hexdigest() == attachment.sha256
