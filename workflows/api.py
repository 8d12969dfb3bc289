"""The uniform API of every lifecycle (docs/architecture.md):

GET  …/{id}/transitions/          open to me, and why the others are closed
POST …/{id}/transitions/{name}/   {comment, data}
GET  …/{id}/history/              the object's ledger events
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance.organisations import limits
from workflows import errors
from workflows.acts import refusal_of
from workflows.engine import perform
from workflows.selectors import history_of, transition_options
from workflows.web import request_info


def refusal_response(exc: BaseException) -> Response:
    """The API's answer to a refused act: its code and French sentence, with the status its kind
    calls for (the same code the ledger records)."""
    if isinstance(exc, ObjectDoesNotExist):
        return not_found()
    code, message = refusal_of(exc)
    if isinstance(exc, errors.TransitionError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, PermissionDenied):
        return Response({"code": code, "detail": message}, status=403)
    body: dict[str, Any] = {"code": code, "detail": message}
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        body["errors"] = exc.message_dict
    return Response(body, status=400)


def not_found() -> Response:
    """404 for what does not exist or lies outside the user's scope (never which of the two)."""
    return Response(
        {"code": "not_found", "detail": _("Not found, or outside your scope.")}, status=404
    )


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    comment_required = serializers.BooleanField()
    data_fields = serializers.ListField(child=serializers.CharField())
    on_behalf_of = serializers.CharField()


class TransitionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.COMMENT
    )
    data = serializers.DictField(required=False, default=dict)


class LifecycleViewSetMixin:
    """Adds the uniform transition endpoints to a ModelViewSet whose objects are Lifecycles."""

    @extend_schema(responses=TransitionOptionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="transitions")
    def transitions(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        options = transition_options(obj, request.user)
        return Response(TransitionOptionSerializer(options, many=True).data)

    @extend_schema(
        request=TransitionInputSerializer,
        responses={
            200: inline_serializer(
                "TransitionResult",
                {
                    "state": serializers.CharField(),
                    "version": serializers.IntegerField(),
                    "event_seq": serializers.IntegerField(),
                    "document_version": serializers.IntegerField(),
                },
            )
        },
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def perform_transition(self, request: Request, pk: Any = None, name: str = "") -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        payload = TransitionInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            outcome = perform(
                obj,
                name,
                actor=request.user,
                comment=payload.validated_data["comment"],
                data=payload.validated_data["data"],
                request_info=request_info(request),
            )
        except errors.TransitionError as exc:
            return Response(exc.as_dict(), status=exc.status)
        return Response(
            {
                "state": outcome.obj.state,
                "version": outcome.obj.version,
                "event_seq": outcome.event.seq,
                "document_version": getattr(outcome.document, "pk", None),
            },
            status=status.HTTP_200_OK,
        )

    @action(detail=True, methods=["get"], url_path="history")
    def history(self, request: Request, pk: Any = None) -> Response:
        from audit.api import HistoryEventSerializer

        obj = self.get_object()  # type: ignore[attr-defined]
        events = history_of(obj, viewer=request.user)
        return Response(HistoryEventSerializer(events, many=True).data)
