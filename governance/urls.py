from django.urls import path

from governance import action_plan_views as plans
from governance import views

app_name = "governance"

urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("arml/", views.arml_list, name="arml_list"),
    path("arml/<int:pk>/", views.arml_detail, name="arml_detail"),
    path("missions-locales/", views.ml_list, name="ml_list"),
    path("missions-locales/<int:pk>/", views.ml_detail, name="ml_detail"),
    path("personnes/", views.person_list, name="person_list"),
    path("personnes/<int:pk>/", views.person_detail, name="person_detail"),
    path("instances/", views.body_list, name="body_list"),
    path("instances/<int:pk>/", views.body_detail, name="body_detail"),
    path("plans-action/", plans.action_plan_list, name="action_plan_list"),
    path("plans-action/nouveau/", plans.action_plan_create_view, name="action_plan_create"),
    path("plans-action/<int:pk>/", plans.action_plan_detail, name="action_plan_detail"),
    path(
        "plans-action/<int:pk>/transitions/<str:name>/",
        plans.action_plan_transition,
        name="action_plan_transition",
    ),
]
