"""A small ARML where every role is held, and plans placed directly in any state."""

from decimal import Decimal

import pytest

from governance.action_plans.models import ActionPlan
from governance.organisations.models import BodyKind, FunderKind, Role
from tests.factories import (
    ArmlFactory,
    BodyFactory,
    FunderFactory,
    MissionLocaleFactory,
    RegionFactory,
    person_with_role,
)


class World:
    def __init__(self) -> None:
        self.arml = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
        self.ml1 = MissionLocaleFactory(arml=self.arml, name="Mission Locale de Rennes")
        self.ml2 = MissionLocaleFactory(arml=self.arml, name="Mission Locale de Brest")
        self.ct = BodyFactory(arml=self.arml, kind=BodyKind.TECHNICAL_COMMITTEE)
        state = FunderFactory(region=self.arml.region, kind=FunderKind.STATE)
        region = FunderFactory(region=self.arml.region, kind=FunderKind.REGION)
        ars = FunderFactory(region=self.arml.region, kind=FunderKind.ARS)
        a = self.arml
        # Every role of the enum, so that a new role joins the matrices by itself (refused
        # everywhere until a transition names it).
        where = {
            Role.COMMITTEE_CHAIR: {"body": self.ct},
            Role.ML_DIRECTOR: {"mission_locale": self.ml1},
            Role.ML_PRESIDENT: {"mission_locale": self.ml2},
            Role.STATE_OFFICER: {"funder": state},
            Role.REGION_OFFICER: {"funder": region},
            Role.OTHER_FUNDER: {"funder": ars},
        }
        self.people = {role: person_with_role(role, a, **where.get(role, {})) for role in Role}
        self.director = self.people[Role.ML_DIRECTOR]
        self.other_director = person_with_role(Role.ML_DIRECTOR, a, mission_locale=self.ml2)

    def plan(self, state: str = "draft", *, budget: str = "12000.00", **fields) -> ActionPlan:
        """A plan placed directly in `state` (test set-up only: production goes through perform)."""
        fields.setdefault("submitted_by", self.director)
        plan = ActionPlan.objects.create(
            arml=self.arml,
            mission_locale=self.ml1,
            title="Journées de l'alternance",
            summary="Trois journées régionales.",
            budget=Decimal(budget),
            state=state,
            **fields,
        )
        return plan


@pytest.fixture
def world(db):
    return World()
