"""Passkeys: the browser's WebAuthn ceremonies, on django-otp-webauthn's views and helper.

Two ceremonies, each a begin/complete pair of JSON endpoints (CSRF-protected, session only;
static/js/passkeys.js runs them, no inline script):

- registration, from the profile page: a person who already has a second factor confirms it
  first (a current code posted with `begin`, or a confirmation of this session within the
  window), so a stolen session cookie cannot plant its own passkey; the new passkey is named,
  ledgered (`person.second_factor_enrolled`, kind "webauthn") and, when the person had no
  recovery codes, the first ones come back once in the answer;
- assertion, from the confirmation form before a signature: user verification is required (the
  PIN or the fingerprint: the signer's sole control) and a success records a confirmation of
  kind "webauthn" for this session (workflows.second_factor.confirm_channel); the page then
  posts the act, which the engine finds confirmed.

Refusals answer {"code", "detail"} in French with a 4xx and are ledgered on the person, like
the profile's other refusals. Passwordless login stays off (settings): a passkey never logs in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.utils import rewrite_exceptions

from workflows import errors, second_factor
from workflows.web import request_info

NAME_KEY = "arml_passkey_name"
NAME_MAX = 64


def _messages() -> dict[str, str]:
    """The package's refusals in French (it ships no French catalogue), by its codes."""
    return {
        "malformed_request": _("The browser's answer could not be read: try again."),
        "invalid_state": _(
            "The passkey ceremony expired or was already used: start again from the button."
        ),
        "invalid_cbor": _("The passkey's answer could not be read: try again."),
        "invalid_registration_response": _(
            "The passkey could not be verified: it was not enrolled. Try again."
        ),
        "invalid_authentication_response": _(
            "The passkey could not be verified: the signature was not confirmed. Try again."
        ),
        "invalid_json_structure": _("The browser's answer could not be read: try again."),
        "credential_not_found": _("This passkey is not enrolled (any more): use another one."),
        "credential_disabled": _("This passkey is disabled: use another one."),
        "credential_user_mismatch": _("This passkey belongs to someone else: use your own."),
        "user_disabled": _("This account is disabled."),
        "not_authenticated": _("Log in first."),
        "passwordless_login_disabled": _("Log in first."),
        "no_passkey": _("You have no passkey yet: enrol one from your profile page."),
    }


def _field(request: Any, key: str) -> str:
    """A text field of the JSON or form body the package parsed into `request.data`."""
    data = getattr(request, "data", None)
    value = data.get(key, "") if isinstance(data, dict) else ""
    return value if isinstance(value, str) else ""


class Refused(webauthn_errors.OTPWebAuthnApiError):
    status_code = 403


class _Ceremony:
    """What our four endpoints share: the person is the logged-in user, refusals are in French
    and ledgered as an attempt of `attempted` on the person."""

    attempted = ""
    request: Any

    def get_user(self) -> AbstractBaseUser | None:
        user = self.request.user
        return user if user.is_authenticated else None

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, (errors.SecondFactorRequired, errors.SecondFactorInvalid)):
            exc = Refused(detail=exc.message, code=exc.code)
        if not isinstance(exc, webauthn_errors.OTPWebAuthnApiError):
            raise exc
        known = _messages().get(exc.code)
        if known is not None:
            detail = str(known)
        elif isinstance(exc, Refused):
            detail = str(exc.detail)  # ours, in French already
        else:
            detail = _("The passkey ceremony failed: try again.")
        person = self.get_user()
        if person is not None:
            from workflows.acts import record_refusal

            record_refusal(
                person,
                self.attempted,
                actor=person,
                code=exc.code,
                reason=detail,
                request_info=request_info(self.request),
            )
        return JsonResponse({"code": exc.code, "detail": detail}, status=exc.status_code)


class _Registration(_Ceremony):
    attempted = "passkey_enrol"

    def _check_user_verified(self, user: Any) -> None:
        """Our version of the package's check (it reads django-otp's session login, which this
        site does not use): a person who has a second factor confirms it before adding a
        passkey — a code posted with `begin`, or this session's confirmation in the window."""
        if second_factor.enrolled(user):
            code = _field(self.request, "otp")
            second_factor.confirm(
                user, second_factor.proof_from(self.request, code), now=timezone.now()
            )


class RegistrationBegin(_Registration, webauthn_views.BeginCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        name = _field(self.request, "name").strip()[:NAME_MAX]
        self.request.session[NAME_KEY] = name
        return super().post(*args, **kwargs)


class RegistrationComplete(_Registration, webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        user = self.get_user()
        state = self.get_state()
        name = self.request.session.pop(NAME_KEY, "")
        with transaction.atomic():
            with rewrite_exceptions(logger=webauthn_views._get_pywebauthn_logger()):
                credential = self.get_helper().register_complete(
                    user=user, state=state, data=self.request.data
                )
            codes = second_factor.passkey_enrolled(
                person=user,
                credential=credential,
                name=name,
                request_info=request_info(self.request),
            )
        messages.success(
            self.request,
            _("Your passkey “%(name)s” is enrolled: it confirms your signatures.")
            % {"name": credential.name},
        )
        # The codes are in this answer only (never_cache: no-store), never shown again.
        return JsonResponse({"id": credential.pk, "name": credential.name, "recovery_codes": codes})


class _Assertion(_Ceremony):
    attempted = "passkey_confirm"

    def check_can_authenticate(self) -> None:
        user = self.get_user()
        if user is None:
            raise webauthn_errors.NotAuthenticated()
        if not second_factor.has_passkey(user):
            raise Refused(code="no_passkey")


class AssertionBegin(_Assertion, webauthn_views.BeginCredentialAuthenticationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        # User verification required: the PIN or fingerprint makes the signature the signer's.
        data, state = self.get_helper().authenticate_begin(
            user=self.get_user(), require_user_verification=True
        )
        self.request.session["otp_webauthn_authentication_state"] = state
        return JsonResponse(data)


class AssertionComplete(_Assertion, webauthn_views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device: Any) -> Any:
        """No login (the person is logged in already): the session's confirmation instead."""
        second_factor.confirm_channel(
            person=device.user,
            channel=second_factor.channel_of(self.request),
            kind=second_factor.WEBAUTHN_KIND,
            now=timezone.now(),
        )
        return device.user

    def get_success_data(self, device: Any) -> dict[str, Any]:
        return {"id": device.pk, "kind": second_factor.WEBAUTHN_KIND}


@require_POST
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of my passkeys: a current second factor first, as for replacing the app."""
    from django.http import Http404

    from workflows.profile import confirmed_again

    credential = second_factor.passkey_of(request.user, pk)
    if credential is None:
        raise Http404(_("This passkey is not one of yours, or it was already removed."))
    if confirmed_again(request, "passkey_remove"):
        second_factor.passkey_remove(
            person=request.user, credential=credential, request_info=request_info(request)
        )
        messages.success(
            request, _("The passkey “%(name)s” is removed.") % {"name": credential.name}
        )
    return HttpResponseRedirect(reverse("profile") + "#h-passkeys")
