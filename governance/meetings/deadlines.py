"""Deadlines of the meetings room (notifications/deadlines.py): the last day to convene."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext_lazy as _

from governance.meetings.models import Meeting, MeetingState
from notifications.deadlines import Due, deadline, in_armls


@deadline("meeting.convocation_notice", label=_("Last day to convene"), transition="convene")
def convocation_notice(today: dt.date, armls: Sequence[int] | None) -> Iterator[Due]:
    """A planned meeting must be convened its body's notice period ahead, in clear days: sent on
    S, the meeting may be held on S + N + 1 at the earliest, so S = day − N − 1 at the latest."""
    meetings = Meeting.objects.filter(state=MeetingState.PLANNED).select_related(
        "arml", "body__rules"
    )
    for meeting in in_armls(meetings, armls):
        yield Due(meeting, meeting.day - dt.timedelta(days=meeting.rules.notice_days + 1))
