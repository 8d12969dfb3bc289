"""Pages of the dialogues room (the `governance:` namespace)."""

from django.urls import path

from governance.dialogues import selectors, views
from workflows.web import transition_view

urlpatterns = [
    path("dialogues/", views.dialogue_list, name="dialogue_list"),
    path("dialogues/<int:pk>/", views.dialogue_detail, name="dialogue_detail"),
    path("dialogues/<int:pk>/dossier/", views.dialogue_prepare, name="dialogue_prepare"),
    path("dialogues/<int:pk>/mesures/", views.measurements_import, name="measurements_import"),
    path("dialogues/<int:pk>/conclusions/", views.conclusions_edit, name="conclusions_edit"),
    path(
        "dialogues/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.dialogues_for),
        name="dialogue_transition",
    ),
    path("tableau-de-bord/", views.dashboard_home, name="dashboard_home"),
    path("tableau-de-bord/<int:pk>/", views.dashboard, name="dashboard"),
    path(
        "tableau-de-bord/<int:pk>/export/<str:table>.<str:fmt>",
        views.export,
        name="dashboard_export",
    ),
]
