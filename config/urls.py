from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from governance.organisations.accounts import activate
from governance.organisations.views import home
from workflows import passkeys, profile

urlpatterns = [
    path("", home, name="home"),
    path("", include("governance.urls")),
    path(
        "connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/activer/<uidb64>/<token>/", activate, name="account_activate"),
    path("profil/", profile.profile, name="profile"),
    path("profil/second-facteur/totp/nouveau/", profile.totp_start, name="profile_totp_start"),
    path("profil/second-facteur/totp/", profile.totp_confirm, name="profile_totp"),
    path(
        "profil/second-facteur/codes-de-secours/",
        profile.recovery_codes,
        name="profile_recovery_codes",
    ),
    # Passkeys: the WebAuthn ceremonies' JSON endpoints (static/js/passkeys.js) and removal.
    path(
        "profil/cles-d-acces/enregistrement/debut/",
        passkeys.RegistrationBegin.as_view(),
        name="passkey_registration_begin",
    ),
    path(
        "profil/cles-d-acces/enregistrement/fin/",
        passkeys.RegistrationComplete.as_view(),
        name="passkey_registration_complete",
    ),
    path(
        "profil/cles-d-acces/confirmation/debut/",
        passkeys.AssertionBegin.as_view(),
        name="passkey_assertion_begin",
    ),
    path(
        "profil/cles-d-acces/confirmation/fin/",
        passkeys.AssertionComplete.as_view(),
        name="passkey_assertion_complete",
    ),
    path("profil/cles-d-acces/<int:pk>/retirer/", passkeys.passkey_remove, name="passkey_remove"),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("documents/", include("documents.urls")),
    path("pieces-jointes/", include("workflows.urls")),
    path("delegations/", include("permissions.urls")),
    path("journal/", include("audit.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI only, split (its start-up code is a script of its own), from the sidecar's files:
    # the Content Security Policy allows no inline script and nothing from outside. (ReDoc was
    # dropped: it injects inline styles.)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
