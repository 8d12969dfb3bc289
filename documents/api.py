"""Read-only API, scoped like the pages.

GET /api/v1/documents/                          documents in scope
GET /api/v1/documents/{id}/                     one document with its versions
GET /api/v1/document-versions/{id}/             one version with its signatures
GET /api/v1/document-versions/{id}/content/     the PDF bytes
GET /api/v1/document-versions/{id}/verify/      the verification report
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from documents import selectors, storage
from documents.models import Document, DocumentVersion, Signature
from documents.verification import verify


class SignatureSerializer(serializers.ModelSerializer):
    signer = serializers.StringRelatedField()
    on_behalf_of = serializers.StringRelatedField()

    class Meta:
        model = Signature
        fields = [
            "field",
            "signer",
            "on_behalf_of",
            "role",
            "certificate_fingerprint",
            "signed_at",
            "timestamped_at",
        ]


class DocumentVersionSerializer(serializers.ModelSerializer):
    signature = SignatureSerializer(read_only=True, allow_null=True)
    content_url = serializers.HyperlinkedIdentityField(view_name="documentversion-content")
    verify_url = serializers.HyperlinkedIdentityField(view_name="documentversion-verify")

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "document",
            "n",
            "parent",
            "sha256",
            "size",
            "filename",
            "created_at",
            "signature",
            "content_url",
            "verify_url",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    versions = DocumentVersionSerializer(many=True, read_only=True)
    superseded = serializers.BooleanField(source="is_superseded", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "arml",
            "object_id",
            "signer_slots",
            "facts_sha256",
            "created_at",
            "superseded",
            "versions",
        ]


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DocumentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            selectors.documents_for(self.request.user)
            .prefetch_related("versions__signature__signer", "versions__signature__on_behalf_of")
            .order_by("pk")
        )


class DocumentVersionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DocumentVersionSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            selectors.versions_for(self.request.user)
            .select_related("signature__signer", "signature__on_behalf_of")
            .order_by("pk")
        )

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True)
    def content(self, request: Request, pk: Any = None) -> FileResponse:
        version = self.get_object()
        handle = storage.document_storage().open(version.storage_key, "rb")
        return FileResponse(handle, filename=version.filename, content_type="application/pdf")

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True)
    def verify(self, request: Request, pk: Any = None) -> Response:
        return Response(verify(self.get_object()).as_dict())


def register(router: BaseRouter) -> None:
    router.register("documents", DocumentViewSet, basename="document")
    router.register("document-versions", DocumentVersionViewSet, basename="documentversion")
