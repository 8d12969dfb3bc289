from django.urls import path

from governance.action_plans import views as plans
from governance.conventions import views as cpom
from governance.dialogues import views as dash
from governance.dialogues import views as dg
from governance.meetings import views as meetings
from governance.organisations import views as views
from governance.programmes import views as pra

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
    path("dialogues/", dg.dialogue_list, name="dialogue_list"),
    path("dialogues/<int:pk>/", dg.dialogue_detail, name="dialogue_detail"),
    path("dialogues/<int:pk>/dossier/", dg.dialogue_prepare, name="dialogue_prepare"),
    path("dialogues/<int:pk>/mesures/", dg.measurements_import, name="measurements_import"),
    path("dialogues/<int:pk>/conclusions/", dg.conclusions_edit, name="conclusions_edit"),
    path(
        "dialogues/<int:pk>/transitions/<str:name>/",
        dg.dialogue_transition,
        name="dialogue_transition",
    ),
    path("tableau-de-bord/", dash.dashboard_home, name="dashboard_home"),
    path("tableau-de-bord/<int:pk>/", dash.dashboard, name="dashboard"),
    path(
        "tableau-de-bord/<int:pk>/export/<str:table>.<str:fmt>",
        dash.export,
        name="dashboard_export",
    ),
]

urlpatterns += [
    path("programmes/", pra.programme_list, name="programme_list"),
    path("programmes/nouveau/", pra.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", pra.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/modifier/", pra.programme_edit, name="programme_edit"),
    path(
        "programmes/<int:pk>/actions/nouvelle/",
        pra.programme_action_create,
        name="programme_action_create",
    ),
    path(
        "programmes/<int:pk>/transitions/<str:name>/",
        pra.programme_transition,
        name="programme_transition",
    ),
    path(
        "programmes/actions/<int:pk>/modifier/",
        pra.programme_action_edit,
        name="programme_action_edit",
    ),
    path(
        "programmes/actions/<int:pk>/suppression/",
        pra.programme_action_delete,
        name="programme_action_delete",
    ),
    path("programmes/actions/<int:pk>/avis/", pra.programme_opinion, name="programme_opinion"),
    path(
        "programmes/actions/<int:pk>/financement/", pra.programme_mark, name="programme_mark"
    ),
    path(
        "programmes/actions/<int:pk>/avancement/",
        pra.programme_progress,
        name="programme_progress",
    ),
]
