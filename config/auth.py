"""Login throttling (django-axes): the lockout page and its entry in the audit ledger."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, saying the account is locked from here and for how long (429)."""
    username = request.POST.get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"), "")
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "locked_out": True,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "registration/login.html", context, status=429)


def ledger_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """One ledger event per lockout: when the failures reach the limit, not for every attempt
    made while locked (axes signals each of them)."""
    from axes.helpers import get_failure_limit

    from audit.services import append

    failures = getattr(request, "axes_failures_since_start", None)
    if failures != get_failure_limit(request, getattr(request, "axes_credentials", None)):
        return
    append(
        action="auth.locked_out",
        actor=None,
        data={"username": username or "", "ip": ip_address or "", "failures": failures},
        request_info=request,
    )
