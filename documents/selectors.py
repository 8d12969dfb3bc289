"""Reads: which documents a user may see (those of the ARMLs in their scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from documents.models import Attachment, Document, DocumentVersion
from permissions.selectors import armls_for


def documents_for(user: Any) -> QuerySet[Document]:
    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    if user.is_superuser:
        return Document.objects.all()
    return Document.objects.filter(arml__in=armls_for(user))


def versions_for(user: Any) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(document__in=documents_for(user))


def version_for(user: Any, pk: int) -> DocumentVersion:
    """The version if the user may see it; 404 otherwise (not to reveal it exists)."""
    version = (
        versions_for(user)
        .select_related("document", "document__arml", "created_by")
        .filter(pk=pk)
        .first()
    )
    if version is None:
        raise Http404
    return version


def document_for(user: Any, pk: int) -> Document:
    document = documents_for(user).select_related("arml").filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def attachment_for(user: Any, pk: int) -> Attachment:
    """An attachment of an ARML in the user's scope; 404 otherwise."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    found = Attachment.objects.filter(pk=pk)
    if not user.is_superuser:
        found = found.filter(arml__in=armls_for(user))
    attachment = found.first()
    if attachment is None:
        raise Http404
    return attachment
