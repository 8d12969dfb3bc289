"""Pages common to every lifecycle (mounted at /pieces-jointes/)."""

from django.urls import path

from workflows import attachment_views

app_name = "workflows"

urlpatterns = [
    path(
        "<str:label>/<int:pk>/ajouter/",
        attachment_views.attachment_upload,
        name="attachment_upload",
    ),
]
