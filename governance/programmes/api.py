"""API of the PRA: the uniform lifecycle endpoints, creation with actions, and the funders'
opinions, funding marks and quarterly progress (4xx JSON {code, detail} in the wrong state)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance.organisations import limits
from governance.organisations.api import IndicatorCodeField
from governance.organisations.models import Arml, Function, Funder, MissionLocale
from governance.programmes import selectors, services
from governance.programmes.models import (
    FunderOpinion,
    FundingMark,
    Programme,
    ProgrammeAction,
    ProgressStatus,
)
from permissions.scope import ScopedModelSerializer, ScopedPrimaryKeyRelatedField
from permissions.selectors import armls_for
from workflows import errors
from workflows.api import LifecycleViewSetMixin, not_found
from workflows.web import request_info

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class BudgetInputSerializer(serializers.Serializer):
    funder = ScopedPrimaryKeyRelatedField(queryset=Funder.objects.all())
    amount = serializers.DecimalField(**MONEY)


class TargetInputSerializer(serializers.Serializer):
    indicator = IndicatorCodeField()
    target = serializers.DecimalField(max_digits=12, decimal_places=2)


class ActionInputSerializer(serializers.Serializer):
    function = serializers.ChoiceField(choices=Function.choices)
    title = serializers.CharField(max_length=limits.LINE)
    objective = serializers.CharField(max_length=limits.TEXT)
    lead_ml = ScopedPrimaryKeyRelatedField(
        queryset=MissionLocale.objects.all(), required=False, allow_null=True
    )
    lead_text = serializers.CharField(
        max_length=limits.LINE, required=False, allow_blank=True, default=""
    )
    partners = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.TEXT
    )
    targets = TargetInputSerializer(many=True, required=False, default=list)
    budget = BudgetInputSerializer(many=True, required=False, default=list)

    @staticmethod
    def to_input(data: dict[str, Any]) -> services.ActionInput:
        return services.ActionInput(
            function=int(data["function"]),
            title=data["title"],
            objective=data["objective"],
            lead_ml=data.get("lead_ml"),
            lead_text=data.get("lead_text", ""),
            partners=data.get("partners", ""),
            targets=[(t["indicator"], t["target"]) for t in data.get("targets", [])],
            budget=[(b["funder"], b["amount"]) for b in data.get("budget", [])],
        )


class CreateProgrammeSerializer(serializers.Serializer):
    arml = ScopedPrimaryKeyRelatedField(queryset=Arml.objects.all())
    title = serializers.CharField(max_length=limits.LINE)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)
    actions = ActionInputSerializer(many=True, required=False, default=list)


class OpinionSerializer(ScopedModelSerializer):
    funder_name = serializers.CharField(source="funder.name", read_only=True)
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = FunderOpinion
        fields = [
            "id",
            "action",
            "funder",
            "funder_name",
            "author",
            "author_name",
            "text",
            "created_at",
        ]


class MarkSerializer(ScopedModelSerializer):
    class Meta:
        model = FundingMark
        fields = ["id", "action", "funder", "author", "funds", "created_at"]


class ProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    action = serializers.IntegerField(source="action_id", read_only=True)
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent_done = serializers.IntegerField()
    measurements = serializers.DictField(child=serializers.CharField())
    comment = serializers.CharField()
    recorded_by = serializers.IntegerField(source="recorded_by_id", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ActionSerializer(ScopedModelSerializer):
    function_label = serializers.CharField(source="get_function_display", read_only=True)
    lead = serializers.CharField(read_only=True)
    targets = serializers.SerializerMethodField()
    budget = serializers.SerializerMethodField()
    budget_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    funding_marks = serializers.SerializerMethodField()
    opinions = OpinionSerializer(many=True, read_only=True)
    progress = ProgressSerializer(many=True, read_only=True)
    action_plans = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeAction
        fields = [
            "id",
            "function",
            "function_label",
            "title",
            "objective",
            "lead",
            "lead_ml",
            "lead_text",
            "partners",
            "targets",
            "budget",
            "budget_total",
            "funding_marks",
            "opinions",
            "progress",
            "action_plans",
        ]

    def get_targets(self, a: ProgrammeAction) -> list[dict[str, Any]]:
        return [{"indicator": t.indicator.code, "target": str(t.target)} for t in a.targets.all()]

    def get_budget(self, a: ProgrammeAction) -> list[dict[str, Any]]:
        return [{"funder": b.funder_id, "amount": str(b.amount)} for b in a.budget_lines.all()]

    def get_funding_marks(self, a: ProgrammeAction) -> dict[str, bool]:
        return {str(fid): m.funds for fid, m in selectors.current_marks(a).items()}

    def get_action_plans(self, a: ProgrammeAction) -> list[int]:
        return [plan.pk for plan in a.action_plans.all()]


class ProgrammeSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    actions = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "reference",
            "arml",
            "title",
            "start_year",
            "end_year",
            "state",
            "state_label",
            "version",
            "frozen_hash",
            "convention",
            "amendment",
            "actions",
            "totals",
            "created_at",
            "updated_at",
        ]

    def _view(self, programme: Programme) -> selectors.ProgrammeView:
        cache = self.context.setdefault("_views", {})
        if programme.pk not in cache:
            cache[programme.pk] = selectors.programme_view(programme, self.context.get("user"))
        return cache[programme.pk]

    def get_actions(self, programme: Programme) -> list[dict[str, Any]]:
        actions = [a for group in self._view(programme).functions for a in group["actions"]]
        return ActionSerializer(actions, many=True).data

    def get_totals(self, programme: Programme) -> dict[str, Any]:
        view = self._view(programme)
        return {
            "by_function": {str(g["function"].value): str(g["total"]) for g in view.functions},
            "by_funder": {str(f.pk): str(t) for f, t in view.funder_totals},
            "total": str(view.total),
        }


class ProgrammeListSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "reference",
            "arml",
            "title",
            "start_year",
            "end_year",
            "state",
            "state_label",
            "version",
            "frozen_hash",
        ]


class CommentInputSerializer(serializers.Serializer):
    action = serializers.IntegerField()
    text = serializers.CharField(max_length=limits.COMMENT)
    funder = ScopedPrimaryKeyRelatedField(
        queryset=Funder.objects.all(), required=False, allow_null=True, default=None
    )


class MarkInputSerializer(serializers.Serializer):
    action = serializers.IntegerField()
    funds = serializers.BooleanField()
    funder = ScopedPrimaryKeyRelatedField(
        queryset=Funder.objects.all(), required=False, allow_null=True, default=None
    )


class ProgressInputSerializer(serializers.Serializer):
    action = serializers.IntegerField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    status = serializers.ChoiceField(choices=ProgressStatus.choices)
    percent_done = serializers.IntegerField(min_value=0, max_value=100)
    measurements = serializers.DictField(
        child=serializers.CharField(max_length=limits.LINE), required=False, default=dict
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.COMMENT
    )


class ProgrammeViewSet(
    LifecycleViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Programmes (PRA) in my scope. POST creates a draft with its actions (director or staff)."""

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.programmes_for(self.request.user)

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return ProgrammeListSerializer if self.action == "list" else ProgrammeSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": self.request.user}

    def _action_of(self, programme: Programme, pk: int) -> ProgrammeAction:
        found = programme.actions.filter(pk=pk).first()
        if found is None:
            raise serializers.ValidationError({"action": "Action inconnue dans ce programme."})
        return found

    @extend_schema(request=CreateProgrammeSerializer, responses=ProgrammeSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CreateProgrammeSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not armls_for(request.user).filter(pk=data["arml"].pk).exists():
            return not_found()
        programme = services.programme_create(
            actor=request.user,
            arml=data["arml"],
            title=data["title"],
            start_year=data["start_year"],
            end_year=data["end_year"],
            actions=[ActionInputSerializer.to_input(a) for a in data["actions"]],
        )
        return Response(
            ProgrammeSerializer(programme, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _run(self, call: Any, serializer: Any) -> Response:
        try:
            row = call()
        except errors.TransitionError as exc:
            return Response(exc.as_dict(), status=exc.status)
        return Response(serializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionInputSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request: Request, pk: Any = None) -> Response:
        programme = self.get_object()
        payload = ActionInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        return self._run(
            lambda: services.programme_action_save(
                actor=request.user,
                programme=programme,
                item=ActionInputSerializer.to_input(payload.validated_data),
            ),
            ActionSerializer,
        )

    @extend_schema(request=CommentInputSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"], url_path="opinions")
    def comment(self, request: Request, pk: Any = None) -> Response:
        programme = self.get_object()
        payload = CommentInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        return self._run(
            lambda: services.funder_opinion_add(
                actor=request.user,
                action=self._action_of(programme, data["action"]),
                text=data["text"],
                funder=data["funder"],
                request_info=request_info(request),
            ),
            OpinionSerializer,
        )

    @extend_schema(request=MarkInputSerializer, responses=MarkSerializer)
    @action(detail=True, methods=["post"], url_path="funding-marks")
    def mark(self, request: Request, pk: Any = None) -> Response:
        programme = self.get_object()
        payload = MarkInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        return self._run(
            lambda: services.funding_mark_set(
                actor=request.user,
                action=self._action_of(programme, data["action"]),
                funds=data["funds"],
                funder=data["funder"],
                request_info=request_info(request),
            ),
            MarkSerializer,
        )

    @extend_schema(request=ProgressInputSerializer, responses=ProgressSerializer)
    @action(detail=True, methods=["post"], url_path="progress")
    def progress(self, request: Request, pk: Any = None) -> Response:
        programme = self.get_object()
        payload = ProgressInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        target = self._action_of(programme, data.pop("action"))
        return self._run(
            lambda: services.progress_record(
                actor=request.user, action=target, request_info=request_info(request), **data
            ),
            ProgressSerializer,
        )


def register(router: Any) -> None:
    router.register("programmes", ProgrammeViewSet, basename="programme")
