"""API of management dialogues and indicator measurements."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import JSONParser
from governance.conventions.models import Convention, IndicatorTarget
from governance.dialogues import dashboards, selectors, services
from governance.dialogues.models import ManagementDialogue, Measurement
from governance.organisations import limits
from governance.organisations.api import IndicatorCodeField
from governance.organisations.models import Arml, Function, Funder, Indicator
from permissions.scope import ScopedModelSerializer, ScopedPrimaryKeyRelatedField
from permissions.selectors import armls_for
from workflows.api import LifecycleViewSetMixin, not_found, whole_param


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
        dialogue = self.get_object()
        values = dict(payload.validated_data)
        # Sent without a date (absent or null), the file keeps the meeting's date.
        if values.get("meeting_date") is None:
            values["meeting_date"] = dialogue.meeting_date
        dialogue = services.dialogue_prepare(actor=request.user, dialogue=dialogue, **values)
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
    register_indicators(router)


# -- national indicators, targets, measurements and the dashboard (issue 14.6) ----------------
# The same scope as the pages: reference indicators for anyone logged in; targets, measurements
# and dashboards of the ARMLs in the user's scope (dashboards.dashboard_armls).


class IndicatorSerializer(ScopedModelSerializer):
    direction_label = serializers.CharField(source="get_direction_display", read_only=True)

    class Meta:
        model = Indicator
        fields = ["code", "label", "unit", "direction", "direction_label", "function"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The national common indicators (reference data)."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.order_by("code")
    lookup_field = "code"


class MeasurementSerializer(ScopedModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "arml",
            "indicator",
            "year",
            "value",
            "source",
            "recorded_by",
            "recorded_at",
        ]


SCOPE_FILTERS = [
    OpenApiParameter("arml", int, description="ARML"),
    OpenApiParameter("year", int, description="Année"),
    OpenApiParameter("indicator", str, description="Code de l'indicateur"),
]


def _filtered(request: Request, qs: Any, indicator_path: str) -> Any:
    for name in ("arml", "year"):
        value = whole_param(request.query_params.get(name))
        if value is not None:
            qs = qs.filter(**{name if name == "year" else _arml_path(qs): value})
    code = request.query_params.get("indicator", "")
    if code:
        qs = qs.filter(**{indicator_path: code})
    return qs


def _arml_path(qs: Any) -> str:
    return "version__convention__arml" if qs.model is IndicatorTarget else "arml"


@extend_schema_view(list=extend_schema(parameters=SCOPE_FILTERS))
class MeasurementViewSet(viewsets.ReadOnlyModelViewSet):
    """Measurements of the national indicators recorded by the ARMLs in my scope."""

    serializer_class = MeasurementSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = Measurement.objects.filter(
            arml__in=dashboards.dashboard_armls(self.request.user)
        ).select_related("indicator", "recorded_by")
        return _filtered(self.request, qs, "indicator__code").order_by("arml", "indicator", "year")


class IndicatorTargetSerializer(ScopedModelSerializer):
    arml = serializers.IntegerField(source="version.convention.arml_id", read_only=True)
    convention = serializers.IntegerField(source="version.convention_id", read_only=True)
    content_version = serializers.IntegerField(source="version.n", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = IndicatorTarget
        fields = ["id", "arml", "convention", "content_version", "indicator", "year", "target"]


@extend_schema_view(list=extend_schema(parameters=SCOPE_FILTERS))
class IndicatorTargetViewSet(viewsets.ReadOnlyModelViewSet):
    """The targets of the national indicators in the current content of each convention of the
    ARMLs in my scope (the version in force once signed)."""

    serializer_class = IndicatorTargetSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        conventions = Convention.objects.filter(
            arml__in=dashboards.dashboard_armls(self.request.user)
        ).prefetch_related("versions")
        current = [c.content.pk for c in conventions if c.content is not None]
        qs = IndicatorTarget.objects.filter(version_id__in=current).select_related(
            "indicator", "version__convention"
        )
        return _filtered(self.request, qs, "indicator__code").order_by(
            "version__convention", "indicator__code", "year"
        )


class TableSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class IndicatorFigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    year = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    measurement = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    achievement_percent = serializers.IntegerField(allow_null=True)


class DuesFigureSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    called = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    left = serializers.DecimalField(max_digits=14, decimal_places=2)
    calls = serializers.IntegerField()
    settled = serializers.IntegerField()
    in_arrears = serializers.ListField(child=serializers.CharField())


class DashboardSerializer(serializers.Serializer):
    arml = serializers.IntegerField()
    arml_name = serializers.CharField()
    convention = serializers.IntegerField(allow_null=True)
    renegotiating_years = serializers.ListField(child=serializers.IntegerField())
    indicators = IndicatorFigureSerializer(many=True)
    dues = DuesFigureSerializer(many=True)
    tables = TableSerializer(many=True)


class DashboardArmlSerializer(serializers.Serializer):
    arml = serializers.IntegerField(source="pk")
    arml_name = serializers.CharField(source="name")
    short_name = serializers.CharField()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def dashboard_data(arml: Arml) -> dict[str, Any]:
    """Every figure the dashboard page shows, as data (the tables its exports write too)."""
    from governance.dues.selectors import dues_years

    tables = dashboards.tables_for(arml)
    convention = dashboards.convention_in_force(arml)
    indicators = []
    for code, label, year, target, value, _rate in tables["indicateurs"].rows:
        target = target if target != "" else None
        value = value if value != "" else None
        rate = round(value / target * 100) if target and value is not None else None
        indicators.append(
            {
                "code": code,
                "label": label,
                "year": year,
                "target": target,
                "measurement": value,
                "achievement_percent": rate,
            }
        )
    return {
        "arml": arml.pk,
        "arml_name": arml.name,
        "convention": convention.pk if convention else None,
        "renegotiating_years": sorted(dashboards.renegotiated_years(convention)),
        "indicators": indicators,
        "dues": [vars(y) for y in dues_years(arml)],
        "tables": [
            {
                "name": t.name,
                "title": str(t.title),
                "columns": [str(h) for h in t.header],
                "rows": [[_text(v) for v in row] for row in t.rows],
            }
            for t in tables.values()
        ],
    }


class DashboardViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The dashboard of each ARML in my scope: targets against measurements, the funding
    committed by funder and by function, the dues called and paid, and every table the page
    exports."""

    serializer_class = DashboardArmlSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return dashboards.dashboard_armls(self.request.user)

    @extend_schema(responses=DashboardSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        found = self.get_queryset().filter(pk=whole_param(pk) or 0).first()
        if found is None:
            return not_found()
        return Response(DashboardSerializer(dashboard_data(found)).data)


def register_indicators(router: Any) -> None:
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("indicator-targets", IndicatorTargetViewSet, basename="indicator-target")
    router.register("measurements", MeasurementViewSet, basename="measurement")
    router.register("dashboards", DashboardViewSet, basename="dashboard")
