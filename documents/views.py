"""Pages: a document (its versions) and one version with its verification report; download."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from documents import selectors, storage
from documents.models import Signature
from documents.verification import verify


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for(request.user, pk)
    latest = document.versions.order_by("-n").first()
    if latest is None:  # pragma: no cover - a document is created with its first version
        return render(request, "documents/version_detail.html", {"document": document})
    return redirect(latest)


def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.version_for(request.user, pk)
    document = version.document
    signatures = {
        s.field: s
        for s in Signature.objects.filter(
            version__document=document, version__n__lte=version.n
        ).select_related("signer", "on_behalf_of", "version")
    }
    context = {
        "document": document,
        "version": version,
        "versions": document.versions.select_related("created_by", "signature__signer"),
        "slots": [(slot, signatures.get(slot["field"])) for slot in document.signer_slots],
        "report": verify(version),
        "supersession": getattr(document, "supersession", None),
    }
    return render(request, "documents/version_detail.html", context)


def version_download(request: HttpRequest, pk: int) -> FileResponse:
    version = selectors.version_for(request.user, pk)
    handle = storage.document_storage().open(version.storage_key, "rb")
    filename = version.filename.removesuffix(".pdf") + f"-v{version.n}.pdf"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


def attachment_content(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_for(request.user, pk)
    handle = storage.document_storage().open(attachment.storage_key, "rb")
    return FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=attachment.mimetype
    )
