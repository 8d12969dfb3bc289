"""/api/v1/: one router; each app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from audit.api import register as register_audit
from config.tokens import TokenLoginView, TokenLogoutAllView, TokenLogoutView
from documents.api import register as register_documents
from governance.action_plans.api import register as register_action_plans
from governance.agreements.api import register as register_agreements
from governance.conventions.api import register as register_conventions
from governance.dialogues.api import register as register_dialogues
from governance.dues.api import register as register_dues
from governance.finances.api import register as register_finances
from governance.meetings.api import register as register_meetings
from governance.organisations.api import register as register_governance
from governance.programmes.api import register as register_programmes
from permissions.api import register as register_permissions

router = DefaultRouter()
register_governance(router)
register_action_plans(router)
register_meetings(router)
register_conventions(router)
register_programmes(router)
register_dialogues(router)
register_finances(router)
register_dues(router)
register_agreements(router)
register_documents(router)
register_audit(router)
register_permissions(router)

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("auth/token/revoke/", TokenLogoutView.as_view(), name="api-token-revoke"),
    path("auth/token/revoke-all/", TokenLogoutAllView.as_view(), name="api-token-revoke-all"),
    *router.urls,
]
