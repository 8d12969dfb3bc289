"""Pages of the action plans room (the `governance:` namespace)."""

from django.urls import path

from governance.action_plans import views

urlpatterns = [
    path("plans-action/", views.action_plan_list, name="action_plan_list"),
    path("plans-action/nouveau/", views.action_plan_create_view, name="action_plan_create"),
    path("plans-action/<int:pk>/", views.action_plan_detail, name="action_plan_detail"),
    path(
        "plans-action/<int:pk>/transitions/<str:name>/",
        views.action_plan_transition,
        name="action_plan_transition",
    ),
]
