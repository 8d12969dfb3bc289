from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("evenements/<int:seq>/", views.event_detail, name="event_detail"),
    path("points-de-controle/", views.checkpoint_list, name="checkpoint_list"),
]
