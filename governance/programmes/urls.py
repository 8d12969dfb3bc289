"""Pages of the programmes room (the `governance:` namespace)."""

from django.urls import path

from governance.programmes import selectors, views
from workflows.web import transition_view

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/nouveau/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/modifier/", views.programme_edit, name="programme_edit"),
    path(
        "programmes/<int:pk>/actions/nouvelle/",
        views.programme_action_create,
        name="programme_action_create",
    ),
    path(
        "programmes/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.programmes_for),
        name="programme_transition",
    ),
    path(
        "programmes/actions/<int:pk>/modifier/",
        views.programme_action_edit,
        name="programme_action_edit",
    ),
    path(
        "programmes/actions/<int:pk>/suppression/",
        views.programme_action_delete,
        name="programme_action_delete",
    ),
    path("programmes/actions/<int:pk>/avis/", views.programme_opinion, name="programme_opinion"),
    path("programmes/actions/<int:pk>/financement/", views.programme_mark, name="programme_mark"),
    path(
        "programmes/actions/<int:pk>/avancement/",
        views.programme_progress,
        name="programme_progress",
    ),
]
