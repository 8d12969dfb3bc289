from governance.models.bodies import Body, BodyKind, BodyRules, Majority
from governance.models.organisations import Arml, Funder, FunderKind, MissionLocale, Region
from governance.models.people import Mandate, Person, Role

__all__ = [
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
