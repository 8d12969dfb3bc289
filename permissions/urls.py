from django.urls import path

from permissions import views

app_name = "permissions"

urlpatterns = [
    path("", views.delegation_list, name="delegation_list"),
    path("<int:pk>/revoquer/", views.delegation_revoke_view, name="delegation_revoke"),
]
