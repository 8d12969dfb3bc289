"""API of conventions (CPOM) and amendments: the uniform lifecycle endpoints, plus content."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance.conventions import selectors, services
from governance.conventions.models import Amendment, Convention, ConventionVersion
from governance.organisations.models import Arml, Function, Funder, Indicator
from permissions.selectors import armls_for
from workflows.api import LifecycleViewSetMixin, not_found

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class LineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    funder = serializers.PrimaryKeyRelatedField(queryset=Funder.objects.all())
    function = serializers.ChoiceField(choices=Function.choices)
    amount = serializers.DecimalField(**MONEY)


class TargetSerializer(serializers.Serializer):
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    year = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=12, decimal_places=2)


class ContentSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)
    parties = serializers.PrimaryKeyRelatedField(queryset=Funder.objects.all(), many=True)
    objectives = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    funding_lines = LineSerializer(many=True, required=False)
    targets = TargetSerializer(many=True, required=False)

    def to_content(self) -> services.Content:
        data = self.validated_data
        return services.Content(
            title=data["title"],
            start_year=data["start_year"],
            end_year=data["end_year"],
            parties=list(data["parties"]),
            objectives=dict(data.get("objectives", {})),
            lines=[
                services.LineInput(li["year"], li["funder"], int(li["function"]), li["amount"])
                for li in data.get("funding_lines", [])
            ],
            targets=[
                services.TargetInput(t["indicator"], t["year"], t["target"])
                for t in data.get("targets", [])
            ],
        )


class CreateConventionSerializer(ContentSerializer):
    arml = serializers.PrimaryKeyRelatedField(queryset=Arml.objects.all())


class VersionSerializer(serializers.ModelSerializer):
    parties = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    funding_lines = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()

    class Meta:
        model = ConventionVersion
        fields = [
            "n",
            "title",
            "start_year",
            "end_year",
            "parties",
            "objectives",
            "sha256",
            "funding_lines",
            "targets",
            "created_at",
        ]

    def get_funding_lines(self, version: ConventionVersion) -> list[dict[str, Any]]:
        return [
            {
                "year": li.year,
                "funder": li.funder_id,
                "function": li.function,
                "amount": str(li.amount),
            }
            for li in version.funding_lines.all()
        ]

    def get_targets(self, version: ConventionVersion) -> list[dict[str, Any]]:
        return [
            {"indicator": t.indicator.code, "year": t.year, "target": str(t.target)}
            for t in version.targets.select_related("indicator")
        ]


class ConventionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    content = VersionSerializer(read_only=True)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = Convention
        fields = [
            "id",
            "reference",
            "arml",
            "state",
            "state_label",
            "version",
            "frozen_hash",
            "content",
            "totals",
            "created_at",
            "updated_at",
        ]

    def get_totals(self, convention: Convention) -> dict[str, Any]:
        summary = selectors.effective_funding(convention).summary()
        return {
            "by_year": {str(y): str(t) for y, t in summary["by_year"]},
            "by_funder": {str(f.pk): str(t) for f, t in summary["by_funder"]},
            "by_function": {str(i + 1): str(t) for i, t in enumerate(summary["by_function"])},
            "total": str(summary["total"]),
        }


class ConventionViewSet(
    LifecycleViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Conventions in my scope. POST creates a draft (ARML director or staff)."""

    serializer_class = ConventionSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.conventions_for(self.request.user)

    @extend_schema(request=CreateConventionSerializer, responses=ConventionSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CreateConventionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arml = payload.validated_data["arml"]
        if not armls_for(request.user).filter(pk=arml.pk).exists():
            return not_found()
        convention = services.convention_create(
            actor=request.user, arml=arml, content=payload.to_content()
        )
        return Response(ConventionSerializer(convention).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ContentSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"], url_path="content")
    def save_content(self, request: Request, pk: Any = None) -> Response:
        convention = self.get_object()
        payload = ContentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = services.convention_save_content(
            actor=request.user, convention=convention, content=payload.to_content()
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class AmendmentLineSerializer(serializers.Serializer):
    funder = serializers.PrimaryKeyRelatedField(queryset=Funder.objects.all())
    function = serializers.ChoiceField(choices=Function.choices)
    amount = serializers.DecimalField(**MONEY)


class AmendmentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    lines = serializers.SerializerMethodField()
    content_hash = serializers.CharField(read_only=True)

    class Meta:
        model = Amendment
        fields = [
            "id",
            "reference",
            "convention",
            "number",
            "year",
            "changes",
            "state",
            "state_label",
            "version",
            "lines",
            "content_hash",
        ]

    def get_lines(self, amendment: Amendment) -> list[dict[str, Any]]:
        return [
            {"funder": li.funder_id, "function": li.function, "amount": str(li.amount)}
            for li in amendment.lines.all()
        ]


class CreateAmendmentSerializer(serializers.Serializer):
    convention = serializers.PrimaryKeyRelatedField(queryset=Convention.objects.all())
    year = serializers.IntegerField()
    changes = serializers.CharField(allow_blank=True, required=False, default="")
    lines = AmendmentLineSerializer(many=True)


class AmendmentViewSet(
    LifecycleViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = AmendmentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.amendments_for(self.request.user)

    @extend_schema(request=CreateAmendmentSerializer, responses=AmendmentSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CreateAmendmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not selectors.conventions_for(request.user).filter(pk=data["convention"].pk).exists():
            return not_found()
        amendment = services.amendment_create(
            actor=request.user,
            convention=data["convention"],
            year=data["year"],
            changes=data["changes"],
            lines=[dict(li) for li in data["lines"]],
        )
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    router.register("conventions", ConventionViewSet, basename="convention")
    router.register("amendments", AmendmentViewSet, basename="amendment")
