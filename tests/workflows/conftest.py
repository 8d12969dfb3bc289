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
        self.people = {
            Role.PRESIDENT: person_with_role(Role.PRESIDENT, a),
            Role.BOARD_MEMBER: person_with_role(Role.BOARD_MEMBER, a),
            Role.SECRETARY: person_with_role(Role.SECRETARY, a),
            Role.ARML_DIRECTOR: person_with_role(Role.ARML_DIRECTOR, a),
            Role.ARML_STAFF: person_with_role(Role.ARML_STAFF, a),
            Role.COMMITTEE_CHAIR: person_with_role(Role.COMMITTEE_CHAIR, a, body=self.ct),
            Role.ML_DIRECTOR: person_with_role(Role.ML_DIRECTOR, a, mission_locale=self.ml1),
            Role.ML_PRESIDENT: person_with_role(Role.ML_PRESIDENT, a, mission_locale=self.ml2),
            Role.STATE_OFFICER: person_with_role(Role.STATE_OFFICER, a, funder=state),
            Role.REGION_OFFICER: person_with_role(Role.REGION_OFFICER, a, funder=region),
            Role.OTHER_FUNDER: person_with_role(Role.OTHER_FUNDER, a, funder=ars),
            Role.AUDITOR: person_with_role(Role.AUDITOR, a),
            Role.TREASURER: person_with_role(Role.TREASURER, a),
        }
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
