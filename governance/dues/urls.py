"""Pages of the dues room (the `governance:` namespace)."""

from django.urls import path

from governance.dues import selectors, views
from workflows.web import transition_view

urlpatterns = [
    path("cotisations/", views.dues_list, name="dues_list"),
    path("cotisations/baremes/<int:pk>/", views.schedule_detail, name="dues_schedule_detail"),
    path(
        "cotisations/baremes/<int:pk>/appels/",
        views.schedule_prepare_calls,
        name="dues_schedule_prepare_calls",
    ),
    path(
        "cotisations/baremes/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.schedules_for),
        name="dues_schedule_transition",
    ),
    path("cotisations/appels/<int:pk>/", views.call_detail, name="dues_call_detail"),
    path(
        "cotisations/appels/<int:pk>/paiements/",
        views.call_record_payment,
        name="dues_call_payment",
    ),
    path(
        "cotisations/appels/<int:pk>/paiements/<int:payment_pk>/correction/",
        views.call_correct_payment,
        name="dues_call_payment_correct",
    ),
    path(
        "cotisations/appels/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.calls_for),
        name="dues_call_transition",
    ),
]
