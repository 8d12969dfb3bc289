"""The personal link in each convocation e-mail that records its receipt: a signed token naming
the invitation, valid until the end of the meeting's day, that works without logging in and
records the receipt through `services.invitation_receive` with the member as actor."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.meetings.models import Invitation
from workflows import errors

SALT = "governance.meetings.invitation-receipt"


def expiry_of(invitation: Invitation) -> dt.datetime:
    """The end of the meeting's day: a receipt after the meeting means nothing."""
    day = invitation.meeting.day + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def receipt_token(invitation: Invitation) -> str:
    expires = int(expiry_of(invitation).timestamp())
    return signing.dumps({"i": invitation.pk, "p": invitation.person_id, "e": expires}, salt=SALT)


def receipt_path(invitation: Invitation) -> str:
    return reverse("governance:meeting_receipt", args=[receipt_token(invitation)])


class BadReceipt(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def invitation_from_token(token: str) -> Invitation:
    try:
        payload = signing.loads(token, salt=SALT)
        pk, person, expires = int(payload["i"]), int(payload["p"]), int(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadReceipt(_("This receipt link is not valid: copy the whole link."), 400) from None
    if timezone.now().timestamp() > expires:
        raise BadReceipt(_("This receipt link has expired: the meeting is over."), 410)
    invitation = (
        Invitation.objects.select_related("meeting__body", "person")
        .filter(pk=pk, person_id=person)
        .first()
    )
    if invitation is None:
        raise BadReceipt(_("This invitation no longer exists."), 404)
    return invitation


@login_not_required
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    """Following the link records the receipt (once; following it again changes nothing)."""
    from config.client import request_info
    from governance.meetings.services import invitation_receive

    try:
        invitation = invitation_from_token(token)
        invitation = invitation_receive(
            invitation=invitation, actor=invitation.person, request_info=request_info(request)
        )
    except BadReceipt as exc:
        return render(
            request,
            "governance/meetings/receipt.html",
            {"error": exc.message},
            status=exc.status,
        )
    except errors.TransitionError as exc:
        return render(
            request, "governance/meetings/receipt.html", {"error": exc.message}, status=409
        )
    return render(request, "governance/meetings/receipt.html", {"invitation": invitation})
