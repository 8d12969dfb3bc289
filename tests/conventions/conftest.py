import datetime as dt
from decimal import Decimal

import pytest

from governance.conventions.models import Convention
from governance.conventions.services import Content, LineInput, TargetInput, convention_create
from governance.organisations.models import FunderKind, Indicator, Role
from tests.decisions import board_adopts
from tests.factories import ArmlFactory, FunderFactory, RegionFactory, person_with_role
from workflows.engine import perform


class World:
    def __init__(self) -> None:
        self.arml = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
        region = self.arml.region
        self.state = FunderFactory(
            region=region, kind=FunderKind.STATE, name="Préfecture de région (DREETS)"
        )
        self.region = FunderFactory(region=region, kind=FunderKind.REGION, name="Conseil régional")
        self.ars = FunderFactory(region=region, kind=FunderKind.ARS, name="ARS Bretagne")
        a = self.arml
        self.director = person_with_role(Role.ARML_DIRECTOR, a)
        self.president = person_with_role(Role.PRESIDENT, a)
        self.state_officer = person_with_role(Role.STATE_OFFICER, a, funder=self.state)
        self.region_officer = person_with_role(Role.REGION_OFFICER, a, funder=self.region)
        self.auditor = person_with_role(Role.AUDITOR, a)
        self.indicator = Indicator.objects.create(
            code="ICN-01", label="Jeunes accompagnés", unit="jeunes"
        )
        # Another region, with its own officers
        self.other_arml = ArmlFactory(region=RegionFactory(code="52", name="Pays de la Loire"))
        other_region = FunderFactory(region=self.other_arml.region, kind=FunderKind.REGION)
        self.other_region_officer = person_with_role(
            Role.REGION_OFFICER, self.other_arml, funder=other_region
        )

    def content(self, **overrides) -> Content:
        lines = [
            LineInput(year, funder, function, Decimal(amount))
            for year in (2026, 2027, 2028)
            for funder, function, amount in (
                (self.state, 1, "120000.00"),
                (self.state, 3, "45000.50"),
                (self.region, 2, "80000.25"),
                (self.region, 4, "10000.00"),
            )
        ]
        values = dict(
            title="CPOM 2026-2028 de l'ARML Bretagne",
            start_year=2026,
            end_year=2028,
            parties=[self.state, self.region],
            objectives={"1": "Accompagner les ML.", "3": "Observer."},
            lines=lines,
            targets=[TargetInput(self.indicator, 2026, Decimal("15000"))],
        )
        values.update(overrides)
        return Content(**values)

    def convention(self, **overrides) -> Convention:
        return convention_create(
            actor=self.director, arml=self.arml, content=self.content(**overrides)
        )

    def current(self, **overrides) -> dict:
        """A content whose period runs from this year (for rules that read today's date)."""
        year = TODAY.year
        lines = [
            LineInput(y, self.state, 1, Decimal("100000.00")) for y in (year, year + 1, year + 2)
        ]
        return dict(start_year=year, end_year=year + 2, lines=lines, targets=[], **overrides)

    def negotiating(self, **overrides) -> Convention:
        conv = self.convention(**overrides)
        for name in ("submit_for_consultation", "open_negotiation"):
            conv = perform(conv, name, actor=self.director).obj
        return conv

    def frozen(self, **overrides) -> Convention:
        """Frozen as the ARML's rules ask by default: once the State and the Region agreed on
        the version (issue 14.2)."""
        conv = self.negotiating(**overrides)
        conv = perform(conv, "request_agreement", actor=self.director).obj
        perform(self.fresh(conv), "agree", actor=self.state_officer)
        perform(self.fresh(conv), "agree", actor=self.region_officer)
        return self.fresh(conv)

    def adopted(self, **overrides) -> Convention:
        conv = self.frozen(**overrides)
        board_adopts(conv)
        return perform(conv, "adopt", actor=self.president).obj

    def awaiting(self, **overrides) -> Convention:
        conv = self.adopted(**overrides)
        return perform(conv, "sign", actor=self.president).obj

    def in_force(self, **overrides) -> Convention:
        conv = self.awaiting(**overrides)
        perform(self.fresh(conv), "countersign", actor=self.state_officer)
        perform(self.fresh(conv), "countersign", actor=self.region_officer)
        return self.fresh(conv)

    def fresh(self, conv: Convention) -> Convention:
        return Convention.objects.get(pk=conv.pk)


@pytest.fixture
def world(db):
    return World()


TODAY = dt.date.today()
