from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/lue/", views.notification_mark_read, name="mark_read"),
    path("tout-lu/", views.notification_all_read, name="all_read"),
]
