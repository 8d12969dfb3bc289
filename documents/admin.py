"""Read-only back office. Private keys are never shown (the field is excluded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from documents.models import (
    Attachment,
    Certificate,
    Document,
    DocumentVersion,
    Signature,
    Supersession,
)

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:  # ModelAdmin is not subscriptable at run time
    _ModelAdmin = admin.ModelAdmin


class ReadOnlyAdmin(_ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "arml", "created_at"]
    list_filter = ["kind", "arml"]
    search_fields = ["title", "object_id"]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ["document", "n", "size", "sha256", "created_at"]
    search_fields = ["sha256", "document__title"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "filename", "arml", "sha256", "created_at"]
    list_filter = ["kind", "arml"]
    search_fields = ["title", "filename", "sha256", "object_id"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["version", "field", "signer", "on_behalf_of", "role", "signed_at"]


@admin.register(Supersession)
class SupersessionAdmin(ReadOnlyAdmin):
    list_display = ["document", "replaced_by", "created_at"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["subject", "kind", "key_store", "not_after", "revoked_at"]
    list_filter = ["kind", "key_store"]
    exclude = ["encrypted_key"]
