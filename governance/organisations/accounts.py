"""Accounts created by the onboarding: a one-time link to set the password (never a password in
a file). Django's password-reset tokens: the token covers the password hash and the last login,
so it stops working once the password is set, and it expires after ARML_ACCOUNT_LINK_DAYS
(PASSWORD_RESET_TIMEOUT)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.mail import send_mail
from django.http import HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.organisations.models import Person


def activation_url(person: Person) -> str:
    from notifications.conf import absolute

    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return absolute(reverse("account_activate", args=[uid, token]))


def send_activation(person: Person, url: str) -> None:
    """E-mail the link itself (not through the notification centre: the link is a secret that
    must not be kept in a table)."""
    with override(settings.LANGUAGE_CODE):
        subject = _("[ARML] Your account: choose your password")
        body = _(
            "Hello %(name)s,\n\nAn account was opened for you on ARML Governance, with the "
            "username %(username)s. Choose your password with this link, valid %(days)s days "
            "and once:\n\n%(url)s\n"
        ) % {
            "name": person,
            "username": person.username,
            "days": settings.ARML_ACCOUNT_LINK_DAYS,
            "url": url,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


class ActivateView(PasswordResetConfirmView):
    """The French page, in the site's layout, where a new account sets its password."""

    template_name = "registration/account_activate.html"
    success_url = reverse_lazy("login")
    reset_url_token = "mot-de-passe"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set: log in with your username and it."))
        return response

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if not context.get("validlink"):
            kwargs["status"] = 410  # expired, used, or altered: gone, and the page says so
        return super().render_to_response(context, **kwargs)


activate = login_not_required(ActivateView.as_view())
