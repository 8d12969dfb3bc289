from governance.models.bodies import Body, BodyKind, BodyRules, Majority
from governance.models.organisations import Arml, Funder, FunderKind, MissionLocale, Region
from governance.models.people import Mandate, Person, Role
from governance.models.action_plans import ActionPlan, Opinion, PlanState  # noqa: I001 (after people)

__all__ = [
    "ActionPlan",
    "Opinion",
    "PlanState",
    "Arml",
    "Body",
    "BodyKind",
    "BodyRules",
    "Funder",
    "FunderKind",
    "Majority",
    "Mandate",
    "MissionLocale",
    "Person",
    "Region",
    "Role",
]

from governance.models.meetings import (  # noqa: E402
    AgendaItem,
    Attendance,
    Choice,
    Deliberation,
    ExtractRequest,
    ExtractState,
    InterestDeclaration,
    Invitation,
    ItemKind,
    Meeting,
    MeetingState,
    Presence,
    Proxy,
    Vote,
)

__all__ += [
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
    "Vote",
]
