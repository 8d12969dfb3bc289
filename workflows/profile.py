"""The profile page: who I am, and my second factor — enrol an authenticator app (its secret
and otpauth URI shown to type or paste; no QR code library), add or remove passkeys (the
browser's ceremony: workflows/passkeys.py), new recovery codes (shown once). The engine asks
for this factor before every signature (workflows/second_factor.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from workflows import errors, second_factor
from workflows.web import request_info


def profile(request: HttpRequest) -> HttpResponse:
    person = request.user
    device = second_factor.totp_device(person)
    confirmation = second_factor.confirmation_on(
        person, second_factor.channel_of(request), now=timezone.now()
    )
    context = {
        "device": device,
        "demo_device": second_factor.is_demo(device),
        "recovery_left": second_factor.recovery_codes_left(person),
        "passkeys": second_factor.passkeys_of(person),
        "enrolled": second_factor.enrolled(person),
        "minutes": int(second_factor.window().total_seconds() // 60),
        "enforced": second_factor.enforced(),
        "confirmation": confirmation,
        "confirmed_until": confirmation.at + second_factor.window() if confirmation else None,
    }
    return render(request, "workflows/profile.html", context)


def confirmed_again(request: HttpRequest, act: str) -> bool:
    """Replacing the app or the recovery codes, or removing a passkey, needs the current second
    factor (a code, or a confirmation of this session within the window — a passkey's
    included): a stolen session cookie must not swap in its own authenticator and sign.
    Nothing is needed before a first enrolment."""
    person = request.user
    if not second_factor.enrolled(person):
        return True
    try:
        second_factor.confirm(
            person,
            second_factor.proof_from(request, request.POST.get("otp", "")),
            now=timezone.now(),
        )
    except (errors.SecondFactorRequired, errors.SecondFactorInvalid) as exc:
        from workflows.acts import record_refusal

        record_refusal(
            person,
            act,
            actor=person,
            code=exc.code,
            reason=exc.message,
            request_info=request_info(request),
        )
        messages.error(request, exc.message)
        return False
    return True


@require_POST
def totp_start(request: HttpRequest) -> HttpResponse:
    if not confirmed_again(request, "second_factor_replace"):
        return HttpResponseRedirect(reverse("profile"))
    second_factor.totp_enrolment_start(person=request.user)
    return HttpResponseRedirect(reverse("profile_totp"))


@require_http_methods(["GET", "POST"])
def totp_confirm(request: HttpRequest) -> HttpResponse:
    """GET: the pending device's secret and URI, and the field for its first code; POST: that
    code, which confirms the device (and shows the first recovery codes once)."""
    person = request.user
    device = second_factor.totp_device(person, confirmed=False)
    if device is None:
        return HttpResponseRedirect(reverse("profile"))
    status = 200
    error = ""
    if request.method == "POST":
        try:
            codes = second_factor.totp_enrolment_confirm(
                person=person, code=request.POST.get("otp", ""), request_info=request_info(request)
            )
        except errors.InvalidData as exc:
            error, status = exc.message, 400
        else:
            messages.success(
                request, _("Your authenticator app is enrolled: it confirms your signatures.")
            )
            if codes:
                return _show_codes(request, codes)
            return HttpResponseRedirect(reverse("profile"))
    context = {
        "secret": second_factor.secret_of(device),
        "uri": device.config_url,
        "error": error,
    }
    return render(request, "workflows/totp_enrol.html", context, status=status)


@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not (second_factor.totp_device(request.user) or second_factor.has_passkey(request.user)):
        messages.error(request, _("Enrol an authenticator app or a passkey first."))
        return HttpResponseRedirect(reverse("profile"))
    if not confirmed_again(request, "recovery_codes_generate"):
        return HttpResponseRedirect(reverse("profile"))
    codes = second_factor.recovery_codes_generate(
        person=request.user, request_info=request_info(request)
    )
    return _show_codes(request, codes)


def _show_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """The codes in the POST's answer only: never stored in a session or shown again."""
    response = render(request, "workflows/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response
