"""Pages of the action plans room (the `governance:` namespace)."""

from django.urls import path

from governance.action_plans import views
from governance.action_plans.selectors import plans_for
from workflows.web import transition_view

urlpatterns = [
    path("plans-action/", views.action_plan_list, name="action_plan_list"),
    path("plans-action/nouveau/", views.action_plan_create_view, name="action_plan_create"),
    path("plans-action/<int:pk>/", views.action_plan_detail, name="action_plan_detail"),
    path(
        "plans-action/<int:pk>/transitions/<str:name>/",
        transition_view(plans_for),
        name="action_plan_transition",
    ),
]
