"""Pages of the meetings room (the `governance:` namespace)."""

from django.urls import path

from governance.meetings import receipts, selectors, views
from workflows.web import transition_view

urlpatterns = [
    path("seances/", views.meeting_list, name="meeting_list"),
    path("seances/nouvelle/", views.meeting_create, name="meeting_create"),
    path("seances/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "seances/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.meetings_for),
        name="meeting_transition",
    ),
    path("seances/<int:pk>/ordre-du-jour/", views.agenda_add, name="meeting_agenda_add"),
    path("seances/<int:pk>/presences/", views.attendance_save, name="meeting_attendance"),
    path("seances/<int:pk>/pouvoirs/", views.proxy_add, name="meeting_proxy_add"),
    path(
        "seances/<int:pk>/pouvoirs/<int:giver>/retrait/",
        views.proxy_remove,
        name="meeting_proxy_remove",
    ),
    path("seances/<int:pk>/interets/", views.interest_add, name="meeting_interest_add"),
    path("seances/<int:pk>/points/<int:item_pk>/votes/", views.votes_save, name="meeting_votes"),
    path(
        "seances/<int:pk>/accuse-reception/",
        views.invitation_ack,
        name="meeting_invitation_ack",
    ),
    path(
        "seances/<int:pk>/seconde-convocation/",
        views.second_convocation,
        name="meeting_second_convocation",
    ),
    path("convocations/reception/<str:token>/", receipts.receipt, name="meeting_receipt"),
    path("registre/", views.register_home, name="register_home"),
    path("registre/<int:arml_pk>/", views.register, name="register"),
    path(
        "registre/deliberations/<int:pk>/extrait/",
        views.extract_request,
        name="extract_request",
    ),
    path("extraits/<int:pk>/", views.extract_request_detail, name="extract_request_detail"),
    path(
        "extraits/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.extract_requests_for),
        name="extract_request_transition",
    ),
]
