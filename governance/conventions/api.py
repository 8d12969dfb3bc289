"""API of conventions (CPOM) and amendments: the uniform lifecycle endpoints, plus content."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance.conventions import selectors, services
from governance.conventions.models import (
    Amendment,
    AmendmentVersion,
    Convention,
    ConventionVersion,
    LineComment,
)
from governance.organisations import limits
from governance.organisations.api import IndicatorCodeField
from governance.organisations.models import Arml, Function, Funder
from permissions.scope import ScopedModelSerializer, ScopedPrimaryKeyRelatedField
from permissions.selectors import armls_for
from workflows.acts import REFUSALS
from workflows.api import LifecycleViewSetMixin, not_found, refusal_response
from workflows.versions import diff_json

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class LineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    funder = ScopedPrimaryKeyRelatedField(queryset=Funder.objects.all())
    function = serializers.ChoiceField(choices=Function.choices)
    amount = serializers.DecimalField(**MONEY)


class TargetSerializer(serializers.Serializer):
    indicator = IndicatorCodeField()
    year = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=12, decimal_places=2)


class ContentSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=limits.LINE)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)
    parties = ScopedPrimaryKeyRelatedField(queryset=Funder.objects.all(), many=True)
    objectives = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=limits.TEXT), required=False
    )
    funding_lines = LineSerializer(many=True, required=False)
    targets = TargetSerializer(many=True, required=False)
    notice_months = serializers.IntegerField(min_value=0, max_value=24, required=False, default=3)

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
            notice_months=data.get("notice_months", 3),
        )


class CreateConventionSerializer(ContentSerializer):
    arml = ScopedPrimaryKeyRelatedField(queryset=Arml.objects.all())


class VersionSummarySerializer(serializers.Serializer):
    """One version of any versioned content, as every list of versions shows it."""

    n = serializers.IntegerField()
    label = serializers.CharField()
    sha256 = serializers.CharField()
    origin = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()


class VersionSerializer(ScopedModelSerializer):
    parties = ScopedPrimaryKeyRelatedField(many=True, read_only=True)
    funding_lines = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()

    class Meta:
        model = ConventionVersion
        fields = [
            "n",
            "label",
            "origin",
            "notice_months",
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


class CommentSerializer(serializers.Serializer):
    line = serializers.CharField(max_length=80)
    text = serializers.CharField(max_length=limits.COMMENT)
    version = serializers.IntegerField(required=False, min_value=1, write_only=True)
    id = serializers.IntegerField(read_only=True)
    version_label = serializers.CharField(source="version.label", read_only=True)
    funder = serializers.CharField(read_only=True)
    author = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["version"] = instance.version.n
        return data


DIFF_PARAMETERS = [
    OpenApiParameter("from", int, description="the earlier version's number"),
    OpenApiParameter("to", int, description="the later version's number"),
]


def diff_response(request: Request, versions: Any) -> Response:
    """The uniform diff of two versions of any versioned content, or 400 with its code."""
    from django.utils.translation import gettext as _

    raw_from, raw_to = request.query_params.get("from"), request.query_params.get("to")
    if raw_from is None or raw_to is None:
        return Response(
            {
                "code": "versions_required",
                "detail": _("Give two version numbers to compare (from=1&to=3)."),
            },
            status=400,
        )
    comparison = selectors.compare(versions, raw_from, raw_to)
    if comparison.diff is None:
        return Response({"code": "unknown_version", "detail": comparison.problem}, status=400)
    return Response(diff_json(comparison.diff))


def version_summaries(versions: Any) -> list[dict[str, Any]]:
    rows = [
        {
            "n": v.n,
            "label": v.label,
            "sha256": v.sha256,
            "origin": v.origin,
            "note": v.note,
            "created_at": v.created_at,
            "created_by": str(v.created_by),
        }
        for v in versions.order_by("n")
    ]
    return VersionSummarySerializer(rows, many=True).data


def versions_response(versions: Any) -> Response:
    return Response(version_summaries(versions))


class ConventionSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    content = VersionSerializer(read_only=True)
    content_version = serializers.IntegerField(source="content.n", read_only=True)
    content_version_label = serializers.CharField(source="content.label", read_only=True)
    totals = serializers.SerializerMethodField()
    renegotiating_years = serializers.SerializerMethodField()

    class Meta:
        model = Convention
        fields = [
            "id",
            "reference",
            "arml",
            "state",
            "state_label",
            "version",
            "content_version",
            "content_version_label",
            "frozen_hash",
            "frozen_version",
            "agreement_version",
            "termination_notified_on",
            "terminates_on",
            "content",
            "totals",
            "renegotiating_years",
            "created_at",
            "updated_at",
        ]

    def get_renegotiating_years(self, convention: Convention) -> dict[str, int]:
        return {str(a.year): a.number for a in selectors.renegotiations(convention)}

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
        payload = CreateConventionSerializer(data=request.data, context={"request": request})
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
        payload = ContentSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            version = services.convention_save_content(
                actor=request.user, convention=convention, content=payload.to_content()
            )
        except REFUSALS as exc:
            return refusal_response(exc)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=VersionSummarySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="versions")
    def versions(self, request: Request, pk: Any = None) -> Response:
        return versions_response(self.get_object().versions.select_related("created_by"))

    @extend_schema(parameters=DIFF_PARAMETERS, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="diff")
    def diff(self, request: Request, pk: Any = None) -> Response:
        return diff_response(request, self.get_object().versions.all())

    @extend_schema(request=CommentSerializer, responses=CommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="comments")
    def comments(self, request: Request, pk: Any = None) -> Response:
        """GET every comment on the convention's versions; POST a comment on a line of the
        current version (a funder's officer, during consultation and negotiation)."""
        convention = self.get_object()
        if request.method == "POST":
            payload = CommentSerializer(data=request.data, context={"request": request})
            payload.is_valid(raise_exception=True)
            try:
                comment = services.convention_comment(
                    actor=request.user, convention=convention, **payload.validated_data
                )
            except REFUSALS as exc:
                return refusal_response(exc)
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = LineComment.objects.filter(version__convention=convention).select_related(
            "version", "author", "funder"
        )
        return Response(CommentSerializer(comments, many=True).data)


class AmendmentLineSerializer(serializers.Serializer):
    funder = ScopedPrimaryKeyRelatedField(queryset=Funder.objects.all())
    function = serializers.ChoiceField(choices=Function.choices)
    amount = serializers.DecimalField(**MONEY)


class AmendmentSerializer(ScopedModelSerializer):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    changes = serializers.CharField(read_only=True)
    lines = serializers.SerializerMethodField()
    content_hash = serializers.CharField(read_only=True)
    content_version = serializers.IntegerField(source="content.n", read_only=True, default=None)
    content_version_label = serializers.CharField(
        source="content.label", read_only=True, default=""
    )
    refused_version = serializers.IntegerField(read_only=True)
    in_renegotiation = serializers.BooleanField(read_only=True)

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
            "content_version",
            "content_version_label",
            "refused_version",
            "in_renegotiation",
            "lines",
            "content_hash",
        ]

    def get_lines(self, amendment: Amendment) -> list[dict[str, Any]]:
        return [
            {"funder": li.funder_id, "function": li.function, "amount": str(li.amount)}
            for li in amendment.lines.all()
        ]


class ReviseAmendmentSerializer(serializers.Serializer):
    changes = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.TEXT
    )
    lines = AmendmentLineSerializer(many=True)


class CreateAmendmentSerializer(serializers.Serializer):
    convention = ScopedPrimaryKeyRelatedField(queryset=Convention.objects.all())
    year = serializers.IntegerField()
    changes = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.TEXT
    )
    lines = AmendmentLineSerializer(many=True)


class AmendmentViewSet(
    LifecycleViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = AmendmentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.amendments_for(self.request.user)

    @extend_schema(request=CreateAmendmentSerializer, responses=AmendmentSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CreateAmendmentSerializer(data=request.data, context={"request": request})
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

    @extend_schema(request=ReviseAmendmentSerializer, responses=VersionSummarySerializer)
    @action(detail=True, methods=["post"], url_path="content")
    def revise(self, request: Request, pk: Any = None) -> Response:
        """A new version of a draft amendment."""
        amendment = self.get_object()
        payload = ReviseAmendmentSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        try:
            version = services.amendment_revise(
                actor=request.user,
                amendment=amendment,
                changes=payload.validated_data["changes"],
                lines=[dict(li) for li in payload.validated_data["lines"]],
            )
        except REFUSALS as exc:
            return refusal_response(exc)
        created = AmendmentVersion.objects.filter(pk=version.pk).select_related("created_by")
        return Response(version_summaries(created)[0], status=status.HTTP_201_CREATED)

    @extend_schema(responses=VersionSummarySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="versions")
    def versions(self, request: Request, pk: Any = None) -> Response:
        return versions_response(self.get_object().versions.select_related("created_by"))

    @extend_schema(parameters=DIFF_PARAMETERS, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="diff")
    def diff(self, request: Request, pk: Any = None) -> Response:
        return diff_response(request, self.get_object().versions.all())


def register(router: Any) -> None:
    router.register("conventions", ConventionViewSet, basename="convention")
    router.register("amendments", AmendmentViewSet, basename="amendment")
