"""The uniform API of every lifecycle (docs/architecture.md):

GET  …/{id}/transitions/          open to me, and why the others are closed
POST …/{id}/transitions/{name}/   {comment, data}
GET  …/{id}/history/              the object's ledger events
GET  …/{id}/attachments/          the evidence attached (workflows/attachments.py)
POST …/{id}/attachments/          multipart: file, kind, title, supersedes, reason
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
from workflows import errors, second_factor
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
    second_factor = serializers.BooleanField(
        help_text="It signs: send a second-factor code (`otp`) unless confirmed in the window."
    )


class TransitionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.COMMENT
    )
    data = serializers.DictField(required=False, default=dict)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=64,
        help_text="A second-factor code (6 digits of the authenticator app, or a recovery code) "
        "for a transition that signs; one confirmation stays valid ARML_SECOND_FACTOR_MINUTES "
        "for the same token or session. The API takes codes only: a passkey (WebAuthn) is a "
        "browser ceremony, run on the pages' confirmation form.",
    )


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    filename = serializers.CharField()
    format = serializers.CharField()
    mimetype = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    supersedes = serializers.IntegerField(allow_null=True)
    superseded = serializers.BooleanField()
    reason = serializers.CharField()
    uploaded_by = serializers.CharField()
    on_behalf_of = serializers.CharField()
    created_at = serializers.CharField()
    content_url = serializers.CharField()


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.CharField(max_length=40)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    supersedes = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


def attachments_response(request: Request, obj: Any) -> Response:
    """GET: the object's attachments; POST: attach one (4xx with a code when refused)."""
    from workflows.attachments import as_json, attachment_add, attachments_of

    if request.method == "GET":
        return Response([as_json(a) for a in attachments_of(obj)])
    payload = AttachmentInputSerializer(data=request.data)
    payload.is_valid(raise_exception=True)
    data = payload.validated_data
    try:
        attachment = attachment_add(
            actor=request.user,
            obj=obj,
            kind=data["kind"],
            title=data["title"],
            filename=data["file"].name,
            content=data["file"].read(),
            supersedes=data["supersedes"],
            reason=data["reason"],
            request_info=request_info(request),
        )
    except errors.TransitionError as exc:
        return Response(exc.as_dict(), status=exc.status)
    return Response(as_json(attachment), status=status.HTTP_201_CREATED)


class AttachmentsMixin:
    """Adds GET/POST …/{id}/attachments/ to a viewset of objects that take attachments."""

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True), request=None)
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="attachments")
    def attachments(self, request: Request, pk: Any = None) -> Response:
        return attachments_response(request, self.get_object())  # type: ignore[attr-defined]


class LifecycleViewSetMixin(AttachmentsMixin):
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
                proof=second_factor.proof_from(request, payload.validated_data["otp"]),
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


def whole_param(value: Any) -> int | None:
    """A query parameter as a whole number a database column can hold (at most 18 digits: a
    bigint), else None — `?arml=10595227227694555136` is no ARML, not a server error."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 18 else None
