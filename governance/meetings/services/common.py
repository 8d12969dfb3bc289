"""What every meeting record shares: the meeting row locked, the state checked, the member
checked, a model's own validation answered as a refusal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from governance.meetings.models import (
    FINISHED,
    LAPSES,
    Meeting,
)
from governance.organisations.models import Person
from workflows import errors


class MeetingClosed(errors.InvalidState):
    """A change refused because the meeting is closed (or lapsed): its records are final."""

    code = "meeting_closed"


# -- shared steps ------------------------------------------------------------------------------
def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("body", "arml").get(pk=meeting.pk)


def _require_state(meeting: Meeting, states: Iterable[str], what: str, code: str) -> None:
    if meeting.state in states:
        return
    values = {"what": what, "state": meeting.state_label()}
    if meeting.state in FINISHED:
        raise MeetingClosed(_("The meeting is closed: %(what)s can no longer be changed.") % values)
    if meeting.state in LAPSES:
        raise MeetingClosed(_("The meeting lapsed: %(what)s can no longer be changed.") % values)
    raise errors.InvalidState(
        _("You cannot change %(what)s while the meeting is “%(state)s”.") % values, code=code
    )


def _meeting_of(kwargs: dict[str, Any]) -> Meeting:
    """The meeting a refused record is ledgered on, from the service's arguments."""
    if "meeting" in kwargs:
        return kwargs["meeting"]
    if "item" in kwargs:
        return kwargs["item"].meeting
    return kwargs["invitation"].meeting


def _check_member(meeting: Meeting, person: Person) -> None:
    """Never names the person: they may belong to another ARML, outside the user's scope."""
    if person.pk not in meeting.member_ids():
        raise errors.InvalidData(
            _("This person is not a member of the %(body)s on the day of the meeting.")
            % {"body": meeting.body.name},
            code="not_a_member",
        )


def _full_clean(obj: Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise errors.InvalidData(
            " ".join(exc.messages), details=getattr(exc, "message_dict", None)
        ) from None
