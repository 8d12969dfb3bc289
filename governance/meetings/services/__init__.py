"""Meeting services (writes; the reads are in selectors.py, docs/architecture.md).

State changes (convene, open, start the session, lapse, close, countersign the minutes) go
through workflows.engine.perform(); the records made between them — agenda, attendance,
proxies, interests, votes, receipts — are written here, each ledgered as an event. Who records:
the ARML's secretary or president (the attendance sheet and the tally are theirs). Every write
locks the meeting row, so a record cannot slip in while the meeting changes state. Every refusal
carries a stable code (README § Codes de refus) and is ledgered.

The writes live in modules named for what they record (planning, attendance, votes); this
package gathers them so callers import `governance.meetings.services` as one room's services.
"""

from governance.meetings.services.attendance import (
    RECORDABLE,
    attendance_record,
    attendance_record_many,
    proxy_record,
    proxy_withdraw,
)
from governance.meetings.services.common import MeetingClosed
from governance.meetings.services.planning import (
    agenda_item_add,
    extract_request_create,
    invitation_receive,
    meeting_plan,
    meeting_second_convocation,
)
from governance.meetings.services.votes import (
    INTEREST_STATES,
    interest_declare,
    vote_record,
    votes_record,
)

__all__ = [
    "INTEREST_STATES",
    "RECORDABLE",
    "MeetingClosed",
    "agenda_item_add",
    "attendance_record",
    "attendance_record_many",
    "extract_request_create",
    "interest_declare",
    "invitation_receive",
    "meeting_plan",
    "meeting_second_convocation",
    "proxy_record",
    "proxy_withdraw",
    "vote_record",
    "votes_record",
]
