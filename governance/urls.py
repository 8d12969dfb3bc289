from django.urls import path

from governance import action_plan_views as plans
from governance import convention_views as cpom
from governance import meeting_views as meetings
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
    path("seances/", meetings.meeting_list, name="meeting_list"),
    path("seances/nouvelle/", meetings.meeting_create, name="meeting_create"),
    path("seances/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path(
        "seances/<int:pk>/transitions/<str:name>/",
        meetings.meeting_transition,
        name="meeting_transition",
    ),
    path("seances/<int:pk>/ordre-du-jour/", meetings.agenda_add, name="meeting_agenda_add"),
    path("seances/<int:pk>/presences/", meetings.attendance_save, name="meeting_attendance"),
    path("seances/<int:pk>/pouvoirs/", meetings.proxy_add, name="meeting_proxy_add"),
    path(
        "seances/<int:pk>/pouvoirs/<int:giver>/retrait/",
        meetings.proxy_remove,
        name="meeting_proxy_remove",
    ),
    path("seances/<int:pk>/interets/", meetings.interest_add, name="meeting_interest_add"),
    path("seances/<int:pk>/points/<int:item_pk>/votes/", meetings.votes_save, name="meeting_votes"),
    path(
        "seances/<int:pk>/accuse-reception/",
        meetings.invitation_ack,
        name="meeting_invitation_ack",
    ),
    path(
        "seances/<int:pk>/seconde-convocation/",
        meetings.second_convocation,
        name="meeting_second_convocation",
    ),
    path("registre/", meetings.register_home, name="register_home"),
    path("registre/<int:arml_pk>/", meetings.register, name="register"),
    path(
        "registre/deliberations/<int:pk>/extrait/",
        meetings.extract_request,
        name="extract_request",
    ),
    path("extraits/<int:pk>/", meetings.extract_request_detail, name="extract_request_detail"),
    path(
        "extraits/<int:pk>/transitions/<str:name>/",
        meetings.extract_request_transition,
        name="extract_request_transition",
    ),
    path("conventions/", cpom.convention_list, name="convention_list"),
    path("conventions/nouvelle/", cpom.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", cpom.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", cpom.convention_edit, name="convention_edit"),
    path("conventions/<int:pk>/avenants/nouveau/", cpom.amendment_create, name="amendment_create"),
    path(
        "conventions/<int:pk>/transitions/<str:name>/",
        cpom.convention_transition,
        name="convention_transition",
    ),
    path("avenants/<int:pk>/", cpom.amendment_detail, name="amendment_detail"),
    path(
        "avenants/<int:pk>/transitions/<str:name>/",
        cpom.amendment_transition,
        name="amendment_transition",
    ),
]
