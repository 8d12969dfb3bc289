"""Ledger API: events (keyset by seq), one event's inclusion proof, checkpoints."""

from __future__ import annotations

import base64
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from audit import selectors
from audit.models import AuditEvent, Checkpoint
from audit.proofs import inclusion_proof, latest_checkpoint
from audit.rules import auditable_armls
from audit.services import LedgerError

MAX_LIMIT = 1000


class AuditEventSerializer(serializers.ModelSerializer):
    data = serializers.JSONField(read_only=True)
    documents = serializers.JSONField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "time",
            "action",
            "arml",
            "actor",
            "actor_name",
            "actor_roles",
            "principal",
            "principal_name",
            "principal_roles",
            "object_type",
            "object_id",
            "object_label",
            "from_state",
            "to_state",
            "comment",
            "data",
            "documents",
            "request_ip",
            "request_user_agent",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


NETWORK_FIELDS = ("request_ip", "request_user_agent")


class HistoryEventSerializer(AuditEventSerializer):
    """An object's history (audit.selectors.history_for): IP address and user agent only for
    those who may audit the event's ARML; the keys are left out for the others."""

    def to_representation(self, instance: AuditEvent) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not getattr(instance, "network_visible", False):
            for name in NETWORK_FIELDS:
                data.pop(name, None)
        return data


class CheckpointSerializer(serializers.ModelSerializer):
    signature = serializers.SerializerMethodField()
    timestamp_token = serializers.SerializerMethodField()

    class Meta:
        model = Checkpoint
        fields = [
            "tree_size",
            "root_hash",
            "head_hash",
            "time",
            "signature",
            "certificate",
            "timestamp_token",
        ]
        read_only_fields = fields

    def get_signature(self, checkpoint: Checkpoint) -> str:
        """Base64 DER ECDSA signature over the canonical JSON statement."""
        return base64.b64encode(bytes(checkpoint.signature)).decode("ascii")

    def get_timestamp_token(self, checkpoint: Checkpoint) -> str:
        """Base64 DER RFC 3161 time-stamp token over the same statement ("" if none)."""
        return base64.b64encode(bytes(checkpoint.timestamp_token or b"")).decode("ascii")


def _require_auditor(request: Request) -> None:
    user = request.user
    if not user.is_superuser and not auditable_armls(user).exists():
        raise exceptions.PermissionDenied(
            _("Only auditors, presidents and directors read the ledger.")
        )


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Ledger events of the ARMLs you audit, in seq order. `?after=<seq>&limit=<n>`."""

    serializer_class = AuditEventSerializer
    lookup_field = "seq"
    lookup_value_regex = r"\d+"
    pagination_class = None

    def get_queryset(self) -> QuerySet[Any]:
        _require_auditor(self.request)
        return selectors.events_auditable_by(self.request.user).order_by("seq")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        after = _int_param(request, "after", 0)
        limit = min(_int_param(request, "limit", 100) or 100, MAX_LIMIT)
        rows = list(self.get_queryset().filter(seq__gt=after)[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        next_url = None
        if more:
            next_url = request.build_absolute_uri(
                f"{request.path}?after={rows[-1].seq}&limit={limit}"
            )
        return Response({"next": next_url, "results": self.get_serializer(rows, many=True).data})

    @action(detail=True, methods=["get"])
    def proof(self, request: Request, seq: str | None = None) -> Response:
        event = self.get_object()
        try:
            proof = inclusion_proof(event.seq)
        except LedgerError as exc:
            raise exceptions.NotFound(_("No signed checkpoint covers this event yet.")) from exc
        return Response(
            {
                "proof": proof.as_dict(),
                "verified": proof.verify(),
                "checkpoint": CheckpointSerializer(proof.checkpoint).data,
            }
        )


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise exceptions.ValidationError({name: _("Expected a whole number.")})
    return int(raw)


class CheckpointViewSet(viewsets.ReadOnlyModelViewSet):
    """Signed Merkle tree heads over the whole ledger, latest first."""

    serializer_class = CheckpointSerializer
    lookup_field = "tree_size"
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Any]:
        _require_auditor(self.request)
        return selectors.checkpoints_list()

    @action(detail=False, methods=["get"])
    def latest(self, request: Request) -> Response:
        _require_auditor(request)
        checkpoint = latest_checkpoint()
        if checkpoint is None:
            raise Http404
        return Response(self.get_serializer(checkpoint).data)


def register(router: BaseRouter) -> None:
    router.register("audit/events", AuditEventViewSet, basename="audit-event")
    router.register("audit/checkpoints", CheckpointViewSet, basename="audit-checkpoint")
