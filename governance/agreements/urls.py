"""Pages of the regulated agreements (the `governance:` namespace)."""

from django.urls import path

from governance.agreements import selectors, views
from workflows.web import transition_view

urlpatterns = [
    path("conventions-reglementees/", views.agreement_list, name="regulated_agreement_list"),
    path(
        "conventions-reglementees/<int:pk>/",
        views.register_detail,
        name="regulated_agreement_register",
    ),
    path(
        "conventions-reglementees/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.registers_for),
        name="regulated_agreement_transition",
    ),
]
