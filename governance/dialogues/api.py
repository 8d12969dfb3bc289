"""API of management dialogues and indicator measurements."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import JSONParser
from governance.dialogues import selectors, services
from governance.dialogues.models import ManagementDialogue
from governance.organisations import limits
from governance.organisations.api import IndicatorCodeField
from governance.organisations.models import Arml, Function, Funder
from permissions.scope import ScopedModelSerializer, ScopedPrimaryKeyRelatedField
from permissions.selectors import armls_for
from workflows.api import LifecycleViewSetMixin, not_found


class DialogueSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    file_deadline = serializers.DateField(read_only=True)
    lines = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()

    class Meta:
        model = ManagementDialogue
        fields = [
            "id",
            "reference",
            "arml",
            "convention",
            "year",
            "meeting_date",
            "file_due_days",
            "file_deadline",
            "financial_report",
            "actions_report",
            "held_on",
            "place",
            "participants",
            "objectives",
            "lines",
            "targets",
            "amendment",
            "state",
            "state_label",
            "version",
        ]
        read_only_fields = fields

    def get_lines(self, d: ManagementDialogue) -> list[dict[str, Any]]:
        return [
            {"funder": li.funder_id, "function": li.function, "amount": str(li.amount)}
            for li in d.lines.all()
        ]

    def get_targets(self, d: ManagementDialogue) -> list[dict[str, Any]]:
        return [
            {"indicator": t.indicator.code, "target": str(t.target)}
            for t in d.targets.select_related("indicator")
        ]


class CreateDialogueSerializer(serializers.Serializer):
    arml = ScopedPrimaryKeyRelatedField(queryset=Arml.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    meeting_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=limits.DATE_VALIDATORS
    )


class FileSerializer(serializers.Serializer):
    meeting_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=limits.DATE_VALIDATORS
    )
    financial_report = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.REPORT
    )
    actions_report = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.REPORT
    )


class ConclusionLineSerializer(serializers.Serializer):
    funder = ScopedPrimaryKeyRelatedField(queryset=Funder.objects.all())
    function = serializers.ChoiceField(choices=Function.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class ConclusionTargetSerializer(serializers.Serializer):
    indicator = IndicatorCodeField()
    target = serializers.DecimalField(max_digits=12, decimal_places=2)


class ConclusionsSerializer(serializers.Serializer):
    objectives = serializers.CharField(allow_blank=True, max_length=limits.TEXT)
    lines = ConclusionLineSerializer(many=True)
    targets = ConclusionTargetSerializer(many=True, required=False, default=list)


class DialogueViewSet(
    LifecycleViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = DialogueSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.dialogues_for(self.request.user)

    @extend_schema(request=CreateDialogueSerializer, responses=DialogueSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CreateDialogueSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        arml = payload.validated_data["arml"]
        if not armls_for(request.user).filter(pk=arml.pk).exists():
            return not_found()
        dialogue = services.dialogue_create(
            actor=request.user,
            arml=arml,
            year=payload.validated_data["year"],
            meeting_date=payload.validated_data.get("meeting_date"),
        )
        return Response(DialogueSerializer(dialogue).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FileSerializer, responses=DialogueSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def save_file(self, request: Request, pk: Any = None) -> Response:
        payload = FileSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        dialogue = services.dialogue_prepare(
            actor=request.user, dialogue=self.get_object(), **payload.validated_data
        )
        return Response(DialogueSerializer(dialogue).data)

    @extend_schema(request=ConclusionsSerializer, responses=DialogueSerializer)
    @action(detail=True, methods=["post"], url_path="conclusions")
    def save_conclusions(self, request: Request, pk: Any = None) -> Response:
        payload = ConclusionsSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        dialogue = services.conclusions_save(
            actor=request.user,
            dialogue=self.get_object(),
            objectives=data["objectives"],
            lines=[dict(li) for li in data["lines"]],
            targets=[dict(t) for t in data["targets"]],
        )
        return Response(DialogueSerializer(dialogue).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: {"type": "object"}},
    )
    @action(detail=True, methods=["post"], url_path="measurements")
    def import_measurements(self, request: Request, pk: Any = None) -> Response:
        dialogue = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            return Response(
                {"code": "file_required", "detail": "Joignez un fichier CSV (champ « file »)."},
                status=400,
            )
        try:
            if upload.size > services.MAX_FILE_BYTES:  # the page's cap (issue 13.4)
                raise ValidationError(
                    _("The file is too large (1 MB at most)."), code="file_too_large"
                )
            rows = services.parse_measurements_csv(upload.read())
            count = services.measurements_record(
                actor=request.user, arml=dialogue.arml, rows=rows, source="csv"
            )
        except ValidationError as exc:
            codes = {e.code for e in exc.error_list if e.code}
            return Response(
                {
                    "code": codes.pop() if len(codes) == 1 else "invalid_file",
                    "detail": _("« file » : %(errors)s") % {"errors": " ".join(exc.messages)},
                    "errors": {"file": exc.messages},
                },
                status=400,
            )
        return Response({"recorded": count}, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    router.register("dialogues", DialogueViewSet, basename="dialogue")
