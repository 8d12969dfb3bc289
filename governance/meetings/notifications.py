"""The convocation e-mail: when a meeting is convened, each member invited receives it, in
French, with the agenda, an `.ics` invitation (date, place or video link) and a personal link
that records its receipt (governance/meetings/receipts.py). Registered after commit with the
engine's hooks: a failed e-mail never undoes the convocation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.meetings.documents import agenda_lines
from governance.meetings.models import Invitation, Meeting
from governance.meetings.receipts import receipt_path
from notifications import conf
from notifications.models import Kind
from notifications.services import Message, notify

if TYPE_CHECKING:
    from workflows.engine import Outcome

#: How long the calendar entry lasts when nothing says otherwise.
DEFAULT_LENGTH = dt.timedelta(hours=2)


def on_convened(outcome: Outcome) -> int:
    if outcome.spec.event_action != "meeting.convened":
        return 0
    meeting = Meeting.objects.select_related("body", "arml", "chair").get(pk=outcome.obj.pk)
    invitations = meeting.invitations.select_related("person")
    sent = 0
    for invitation in invitations:
        with override(settings.LANGUAGE_CODE):
            message = convocation_message(meeting, invitation)
        sent += len(
            notify([invitation.person], kind=Kind.CONVOCATION, message=message, subject=meeting)
        )
    return sent


def convocation_message(meeting: Meeting, invitation: Invitation) -> Message:
    local = timezone.localtime(meeting.starts_at)
    values = {
        "body": meeting.body.name,
        "arml": meeting.arml.name,
        "date": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%Hh%M"),
        "chair": meeting.chair or "",
        "name": invitation.person,
    }
    lines = [
        _("Dear %(name)s,") % values,
        _(
            "%(chair)s convenes you to the meeting of the %(body)s (%(arml)s) on %(date)s at "
            "%(time)s."
        )
        % values,
    ]
    if meeting.place:
        lines.append(_("Place: %(place)s") % {"place": meeting.place})
    if meeting.video_link:
        lines.append(_("Video conference: %(link)s") % {"link": meeting.video_link})
    lines.append(_("Agenda:"))
    lines.extend(f"{i}. {line}" for i, line in enumerate(agenda_lines(meeting), 1))
    lines.append(
        _(
            "Please acknowledge receipt with your personal link below; the calendar invitation is "
            "attached."
        )
    )
    receipt = conf.absolute(receipt_path(invitation))
    return Message(
        title=_("[ARML] Convocation: %(body)s, %(date)s") % values,
        lines=lines,
        url=meeting.get_absolute_url(),
        action=_("Open the meeting"),
        links=[(_("Acknowledge receipt"), receipt)],
        attachments=[
            {
                "filename": "convocation.ics",
                "mimetype": "text/calendar; method=REQUEST; charset=utf-8",
                "content": ics(meeting, invitation, receipt),
            }
        ],
    )


def ics(meeting: Meeting, invitation: Invitation, receipt_url: str) -> str:
    """An RFC 5545 invitation (METHOD:REQUEST) for one member."""
    from icalendar import Calendar, Event, vCalAddress, vText

    calendar = Calendar()
    calendar.add("prodid", "-//ARML Governance//Convocations//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    host = conf.base_url().split("//", 1)[-1].strip("/").split("/")[0] or "arml"
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + DEFAULT_LENGTH)
    event.add("summary", f"{meeting.body.name} — {meeting.arml.short_name}")
    location = meeting.place or meeting.video_link
    if location:
        event.add("location", location)
    event.add("url", meeting.video_link or conf.absolute(meeting.get_absolute_url()))
    description = [
        _("Agenda:"),
        *agenda_lines(meeting),
        "",
        _("Acknowledge receipt: %(url)s") % {"url": receipt_url},
    ]
    if meeting.video_link:
        description.insert(0, _("Video conference: %(link)s") % {"link": meeting.video_link})
    event.add("description", "\n".join(str(line) for line in description))
    if meeting.chair and meeting.chair.email:
        organizer = vCalAddress(f"mailto:{meeting.chair.email}")
        organizer.params["cn"] = vText(str(meeting.chair))
        event["organizer"] = organizer
    if invitation.person.email:
        attendee = vCalAddress(f"mailto:{invitation.person.email}")
        attendee.params["cn"] = vText(str(invitation.person))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode()


AFTER_COMMIT = [on_convened]
