"""The meetings room's models: meetings and their transitions, what is recorded between them
(agenda, convocations, attendance, proxies, interests, votes), and the register of
deliberations with its certified extracts."""

from governance.meetings.models.meetings import (  # noqa: I001 (the meeting first)
    FINISHED,
    HELD,
    LAPSES,
    SHEET_OPEN,
    ItemKind,
    Meeting,
    MeetingState,
    rules_of,
)
from governance.meetings.models.records import (
    AgendaItem,
    Attendance,
    InterestDeclaration,
    Invitation,
    Proxy,
    Vote,
)
from governance.meetings.models.register import Deliberation, ExtractRequest, ExtractState
from governance.meetings.rules import (
    ATTENDING,
    Choice,
    Presence,
    Quorum,
    Result,
    decide,
    earliest_meeting_date,
)

__all__ = [
    "ATTENDING",
    "FINISHED",
    "HELD",
    "LAPSES",
    "SHEET_OPEN",
    "AgendaItem",
    "Attendance",
    "Choice",
    "Deliberation",
    "ExtractRequest",
    "ExtractState",
    "InterestDeclaration",
    "Invitation",
    "ItemKind",
    "Meeting",
    "MeetingState",
    "Presence",
    "Proxy",
    "Quorum",
    "Result",
    "Vote",
    "decide",
    "earliest_meeting_date",
    "rules_of",
]
