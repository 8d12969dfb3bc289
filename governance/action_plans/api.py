"""API of the technical committee's action plans: the uniform lifecycle endpoints."""

from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from governance.action_plans.models import ActionPlan
from governance.action_plans.selectors import plans_for
from governance.action_plans.services import action_plan_create
from permissions.scope import ScopedModelSerializer
from workflows.api import LifecycleViewSetMixin


class ActionPlanSerializer(ScopedModelSerializer):
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


def register(router: BaseRouter) -> None:
    router.register("action-plans", ActionPlanViewSet, basename="action-plan")
