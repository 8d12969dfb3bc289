import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.conventions.models import Amendment, AmendmentState, Convention, ConventionState
from governance.organisations.models import FunderKind, Indicator, Role
from governance.programmes.models import Programme
from governance.programmes.services import ActionInput, programme_create
from tests.decisions import board_adopts
from tests.factories import (
    ArmlFactory,
    FunderFactory,
    MissionLocaleFactory,
    RegionFactory,
    person_with_role,
)
from workflows.engine import perform

TODAY = timezone.localdate()
QUARTER = (TODAY.month - 1) // 3 + 1


class World:
    def __init__(self) -> None:
        self.arml = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
        region = self.arml.region
        self.state = FunderFactory(region=region, kind=FunderKind.STATE, name="DREETS Bretagne")
        self.region = FunderFactory(region=region, kind=FunderKind.REGION, name="Région Bretagne")
        self.ars = FunderFactory(region=region, kind=FunderKind.ARS, name="ARS Bretagne")
        a = self.arml
        self.ml = MissionLocaleFactory(arml=a, name="Mission Locale de Rennes")
        self.director = person_with_role(Role.ARML_DIRECTOR, a)
        self.staff = person_with_role(Role.ARML_STAFF, a)
        self.president = person_with_role(Role.PRESIDENT, a)
        self.state_officer = person_with_role(Role.STATE_OFFICER, a, funder=self.state)
        self.region_officer = person_with_role(Role.REGION_OFFICER, a, funder=self.region)
        self.ars_officer = person_with_role(Role.OTHER_FUNDER, a, funder=self.ars)
        self.ml_director = person_with_role(Role.ML_DIRECTOR, a, mission_locale=self.ml)
        self.indicator = Indicator.objects.create(
            code="PRA-T-01", label="Référents réunis", unit="référents"
        )
        self.indicator2 = Indicator.objects.create(
            code="PRA-T-02", label="Salariés formés", unit="salariés"
        )
        # Another region, with its own ARML and officer
        self.other_arml = ArmlFactory(region=RegionFactory(code="52", name="Pays de la Loire"))
        other_funder = FunderFactory(
            region=self.other_arml.region, kind=FunderKind.REGION, name="Région PDL"
        )
        self.other_region_officer = person_with_role(
            Role.REGION_OFFICER, self.other_arml, funder=other_funder
        )
        self.other_director = person_with_role(Role.ARML_DIRECTOR, self.other_arml)

    def actions(self) -> list[ActionInput]:
        return [
            ActionInput(
                function=1,
                title="Animer le réseau des référents CEJ",
                objective="Réunir les référents chaque trimestre.",
                lead_ml=self.ml,
                partners="DREETS, France Travail",
                targets=[(self.indicator, Decimal("40"))],
                budget=[(self.state, Decimal("15000.10")), (self.region, Decimal("5000.05"))],
            ),
            ActionInput(
                function=1,
                title="Outiller les ML sur le CEJ",
                objective="Guides et webinaires.",
                lead_text="ARML",
                budget=[(self.state, Decimal("2000.00"))],
            ),
            ActionInput(
                function=2,
                title="Plan régional de formation",
                objective="Former 300 salariés.",
                targets=[(self.indicator2, Decimal("300"))],
                budget=[(self.region, Decimal("30000.00")), (self.ars, Decimal("1234.56"))],
            ),
        ]

    def programme(self, **overrides) -> Programme:
        values = dict(
            title="PRA Bretagne",
            start_year=TODAY.year,
            end_year=TODAY.year + 2,
            actions=self.actions(),
        )
        values.update(overrides)
        return programme_create(actor=self.director, arml=self.arml, **values)

    def fresh(self, obj):
        return type(obj).objects.get(pk=obj.pk)

    def submitted(self) -> Programme:
        return perform(self.programme(), "submit", actor=self.director).obj

    def validated(self) -> Programme:
        programme = self.submitted()
        board_adopts(programme)
        return perform(programme, "validate", actor=self.president).obj

    def convention_in_force(self, arml=None) -> Convention:
        # The CPOM path is tested in tests/conventions; here only its state matters.
        return Convention.objects.create(
            arml=arml or self.arml, state=ConventionState.IN_FORCE, frozen_hash="f" * 64
        )

    def amendment_in_force(self, convention: Convention) -> Amendment:
        return Amendment.objects.create(
            arml=convention.arml,
            convention=convention,
            number=1,
            year=TODAY.year,
            state=AmendmentState.IN_FORCE,
        )

    def contracted(self) -> Programme:
        programme = self.validated()
        self.convention = self.convention_in_force()
        return perform(programme, "contract", actor=self.director).obj

    def in_execution(self) -> Programme:
        return perform(self.contracted(), "start_execution", actor=self.director).obj


@pytest.fixture
def world(db):
    return World()


YESTERDAY = TODAY - dt.timedelta(days=1)
