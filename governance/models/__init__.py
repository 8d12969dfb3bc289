from governance.models.action_plans import ActionPlan, Opinion, PlanState  # noqa: I001 (after people)
from governance.models.bodies import Body, BodyKind, BodyRules, Majority
from governance.models.organisations import Arml, Funder, FunderKind, MissionLocale, Region
from governance.models.people import Mandate, Person, Role

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

from governance.models.amendments import Amendment, AmendmentLine, AmendmentState  # noqa: E402
from governance.models.conventions import (  # noqa: E402
    Convention,
    ConventionState,
    ConventionVersion,
    FundingLine,
    IndicatorTarget,
)
from governance.models.functions import Function  # noqa: E402
from governance.models.indicators import Direction, Indicator  # noqa: E402

__all__ += [
    "Amendment",
    "AmendmentLine",
    "AmendmentState",
    "Convention",
    "ConventionState",
    "ConventionVersion",
    "Direction",
    "FundingLine",
    "Function",
    "Indicator",
    "IndicatorTarget",
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

from governance.models.dialogues import (  # noqa: E402
    DialogueLine,
    DialogueState,
    DialogueTarget,
    ManagementDialogue,
)
from governance.models.measurements import Measurement  # noqa: E402

__all__ += ["DialogueLine", "DialogueState", "DialogueTarget", "ManagementDialogue", "Measurement"]

from governance.models.programmes import (  # noqa: E402
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

__all__ += [
    "ActionBudgetLine",
    "ActionProgress",
    "ActionTarget",
    "FunderOpinion",
    "FundingMark",
    "Programme",
    "ProgrammeAction",
    "ProgrammeState",
    "ProgressStatus",
]
