"""Read-only reference data API, scoped like the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from governance.organisations import selectors as selectors
from governance.organisations.models import (
    Arml,
    Body,
    BodyRules,
    Indicator,
    Mandate,
    MissionLocale,
    Person,
    Region,
)
from permissions.scope import ScopedModelSerializer


@extend_schema_field({"type": "string", "maxLength": Indicator._meta.get_field("code").max_length})
class IndicatorCodeField(serializers.SlugRelatedField):
    """A national indicator named by its code (its length bounded in the schema like the
    model's, issue 13.1)."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(slug_field="code", queryset=Indicator.objects.all(), **kwargs)


class RegionSerializer(ScopedModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "overseas"]


class ArmlSerializer(ScopedModelSerializer):
    region = RegionSerializer(read_only=True)

    class Meta:
        model = Arml
        fields = ["id", "name", "short_name", "region", "address", "siret"]


class MissionLocaleSerializer(ScopedModelSerializer):
    class Meta:
        model = MissionLocale
        fields = ["id", "name", "city", "arml"]


class BodyRulesSerializer(ScopedModelSerializer):
    class Meta:
        model = BodyRules
        exclude = ["id", "body"]


class BodySerializer(ScopedModelSerializer):
    rules = BodyRulesSerializer(read_only=True)

    class Meta:
        model = Body
        fields = ["id", "arml", "kind", "name", "rules"]


class MandateSerializer(ScopedModelSerializer):
    class Meta:
        model = Mandate
        fields = ["id", "role", "arml", "mission_locale", "funder", "body", "title", "start", "end"]


class PersonSerializer(ScopedModelSerializer):
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
