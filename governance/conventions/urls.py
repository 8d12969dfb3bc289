"""Pages of the conventions room (the `governance:` namespace)."""

from django.urls import path

from governance.conventions import selectors, views
from workflows.web import transition_view

urlpatterns = [
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", views.convention_edit, name="convention_edit"),
    path("conventions/<int:pk>/avenants/nouveau/", views.amendment_create, name="amendment_create"),
    path("conventions/<int:pk>/commentaires/", views.convention_comment, name="convention_comment"),
    path(
        "conventions/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.conventions_for),
        name="convention_transition",
    ),
    path("avenants/<int:pk>/", views.amendment_detail, name="amendment_detail"),
    path("avenants/<int:pk>/modifier/", views.amendment_edit, name="amendment_edit"),
    path(
        "avenants/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.amendments_for),
        name="amendment_transition",
    ),
]
