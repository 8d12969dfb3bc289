"""The governance app's models, gathered for Django's registry (and for code outside the domain,
such as fixtures and tests, that wants them in one place).

Each lifecycle keeps its models in its own room, `governance/<lifecycle>/models.py`; domain code
imports from the room, never from here. The rooms are not Django apps: their models keep the
`governance` label and table names, so the migrations are untouched.
"""

from governance.organisations.models import (  # noqa: I001 (the base first)
    Arml,
    Body,
    BodyKind,
    BodyRules,
    Direction,
    Function,
    Funder,
    FunderKind,
    Indicator,
    Majority,
    Mandate,
    MissionLocale,
    Person,
    Region,
    Role,
)
from governance.meetings.models import (
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
from governance.action_plans.models import ActionPlan, Opinion, PlanState
from governance.conventions.models import (
    Amendment,
    AmendmentLine,
    AmendmentState,
    Convention,
    ConventionState,
    ConventionVersion,
    FundingLine,
    IndicatorTarget,
)
from governance.dialogues.models import (
    DialogueLine,
    DialogueState,
    DialogueTarget,
    ManagementDialogue,
    Measurement,
)
from governance.programmes.models import (
    ActionBudgetLine,
    ActionProgress,
    ActionTarget,
    FunderOpinion,
    FundingMark,
    Programme,
    ProgrammeAction,
    ProgrammeState,
    ProgressStatus,
)

__all__ = [
    "ActionBudgetLine", "ActionPlan", "ActionProgress", "ActionTarget", "AgendaItem",
    "Amendment", "AmendmentLine", "AmendmentState", "Arml", "Attendance", "Body", "BodyKind",
    "BodyRules", "Choice", "Convention", "ConventionState", "ConventionVersion", "Deliberation",
    "DialogueLine", "DialogueState", "DialogueTarget", "Direction", "ExtractRequest",
    "ExtractState", "Function", "Funder", "FunderKind", "FunderOpinion", "FundingLine",
    "FundingMark", "Indicator", "IndicatorTarget", "InterestDeclaration", "Invitation",
    "ItemKind", "Majority", "ManagementDialogue", "Mandate", "Measurement", "Meeting",
    "MeetingState", "MissionLocale", "Opinion", "Person", "PlanState", "Presence", "Programme",
    "ProgrammeAction", "ProgrammeState", "ProgressStatus", "Proxy", "Region", "Role", "Vote",
]
