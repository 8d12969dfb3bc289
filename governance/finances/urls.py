"""Pages of the finances room (the `governance:` namespace)."""

from django.urls import path

from governance.finances import selectors, views
from workflows.web import transition_view

urlpatterns = [
    path("conventions/<int:pk>/finances/", views.convention_money, name="convention_money"),
    path(
        "conventions/<int:pk>/finances/versements/",
        views.payment_create,
        name="payment_create",
    ),
    path(
        "conventions/<int:pk>/finances/versements/<int:payment_pk>/correction/",
        views.payment_correct,
        name="payment_correct",
    ),
    path("comptes-rendus-financiers/", views.report_list, name="financial_report_list"),
    path(
        "comptes-rendus-financiers/<int:pk>/",
        views.report_detail,
        name="financial_report_detail",
    ),
    path(
        "comptes-rendus-financiers/<int:pk>/contenu/",
        views.report_content,
        name="financial_report_content",
    ),
    path(
        "comptes-rendus-financiers/<int:pk>/transitions/<str:name>/",
        transition_view(selectors.reports_for),
        name="financial_report_transition",
    ),
]
