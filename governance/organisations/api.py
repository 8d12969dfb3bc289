"""Read-only reference data API, scoped like the pages."""

from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from governance.action_plans.models import ActionPlan
from governance.action_plans.services import action_plan_create, plans_for
from governance.meetings.api import DeliberationViewSet, ExtractRequestViewSet, MeetingViewSet
from governance.organisations import selectors as selectors
from governance.organisations.models import (
    Arml,
    Body,
    BodyRules,
    Mandate,
    MissionLocale,
    Person,
    Region,
)
from workflows.api import LifecycleViewSetMixin


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "overseas"]


class ArmlSerializer(serializers.ModelSerializer):
    region = RegionSerializer(read_only=True)

    class Meta:
        model = Arml
        fields = ["id", "name", "short_name", "region", "address", "siret"]


class MissionLocaleSerializer(serializers.ModelSerializer):
    class Meta:
        model = MissionLocale
        fields = ["id", "name", "city", "arml"]


class BodyRulesSerializer(serializers.ModelSerializer):
    class Meta:
        model = BodyRules
        exclude = ["id", "body"]


class BodySerializer(serializers.ModelSerializer):
    rules = BodyRulesSerializer(read_only=True)

    class Meta:
        model = Body
        fields = ["id", "arml", "kind", "name", "rules"]


class MandateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mandate
        fields = ["id", "role", "arml", "mission_locale", "funder", "body", "title", "start", "end"]


class PersonSerializer(serializers.ModelSerializer):
    active_mandates = MandateSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "username", "first_name", "last_name", "active_mandates"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    queryset = Region.objects.all()
    lookup_field = "code"


class ArmlViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ArmlSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.armls_list(self.request.user)


class MissionLocaleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MissionLocaleSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.missions_locales_list(self.request.user).order_by("pk")


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BodySerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.bodies_list(self.request.user).order_by("pk")


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.people_list(self.request.user)


def register(router: BaseRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("armls", ArmlViewSet, basename="arml")
    router.register("missions-locales", MissionLocaleViewSet, basename="missionlocale")
    router.register("bodies", BodyViewSet, basename="body")
    router.register("people", PersonViewSet, basename="person")
    router.register("action-plans", ActionPlanViewSet, basename="action-plan")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("deliberations", DeliberationViewSet, basename="deliberation")
    router.register("extract-requests", ExtractRequestViewSet, basename="extract-request")


class ActionPlanSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "reference",
            "arml",
            "title",
            "summary",
            "objectives",
            "budget",
            "starts_on",
            "ends_on",
            "mission_locale",
            "beneficiaries",
            "programme_action",
            "submitted_by",
            "opinion",
            "state",
            "state_label",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["arml", "submitted_by", "opinion", "state", "version"]


class ActionPlanViewSet(LifecycleViewSetMixin, viewsets.ModelViewSet):
    """Action plans in my scope. Creating one drafts it for the Mission Locale I direct."""

    serializer_class = ActionPlanSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return plans_for(self.request.user).prefetch_related("beneficiaries")

    def perform_create(self, serializer):  # type: ignore[no-untyped-def]
        data = dict(serializer.validated_data)
        beneficiaries = data.pop("beneficiaries", [])
        ml = data.pop("mission_locale")
        serializer.instance = action_plan_create(
            actor=self.request.user, mission_locale=ml, beneficiaries=beneficiaries, **data
        )
