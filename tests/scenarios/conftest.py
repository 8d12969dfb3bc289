"""The world of every scenario: the sample ARML (Occitanie) onboarded as a deployer does it —
`manage.py onboard fixtures/onboarding --apply`, then the scenarios' complement — under a clock
that only moves forward. Everything after that is done over HTTP by the person whose act it is,
under production's rule on signing: a second factor before every signature (the rest of the
suite runs without it, tests/settings.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from governance.organisations.models import Arml, Body, Funder, FunderKind, Person
from tests.scenarios.helpers import PARIS, Authenticator

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "onboarding"
COMPLEMENT = Path(__file__).resolve().parent / "onboarding"
#: The scenarios' year starts here (the sample's mandates start on 1 January 2026).
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)


class World:
    """The onboarded ARML, one logged-in client per person, and the clock."""

    secretary = "jfabre"
    president = "mcombes"
    director = "pvidal"
    staff = "lmartinez"
    chair = "abonnet"
    vice_chair = "fmas"
    state = "tblanc"
    region = "nferrer"

    def __init__(self, clock: time_machine.Coordinates) -> None:
        self.clock = clock
        self.arml = Arml.objects.get(region__code="76")
        self._clients: dict[str, Client] = {}
        self._people = {p.username: p for p in Person.objects.all()}

    def as_(self, username: str) -> Client:
        """The client of `username`, logged in (new accounts have no password yet: the test
        logs them in as their activation link would)."""
        if username not in self._clients:
            client = Client()
            client.force_login(self._people[username])
            # Their authenticator app, enrolled from the profile page on their first signature.
            client.authenticator = Authenticator(self.clock)  # type: ignore[attr-defined]
            self._clients[username] = client
        return self._clients[username]

    def pk(self, username: str) -> int:
        return self._people[username].pk

    def username_of(self, pk: int) -> str:
        return next(u for u, p in self._people.items() if p.pk == pk)

    def email(self, username: str) -> str:
        return self._people[username].email

    def body(self, kind: str) -> int:
        return Body.objects.get(arml=self.arml, kind=kind).pk

    def funder(self, kind: str) -> int:
        return Funder.objects.get(region=self.arml.region, kind=kind).pk

    @property
    def state_funder(self) -> int:
        return self.funder(FunderKind.STATE)

    @property
    def region_funder(self) -> int:
        return self.funder(FunderKind.REGION)

    def travel(self, when: dt.datetime) -> None:
        """Days pass (the clock never goes back: the ledger is in time order); everyone logs in
        again that day (sessions expire)."""
        self.clock.move_to(when)
        for username, client in self._clients.items():
            client.force_login(self._people[username])


@pytest.fixture(autouse=True)
def _second_factor_on(second_factor_on):
    """Every scenario signs under the second factor, as production does."""


@pytest.fixture
def world(db) -> World:
    with time_machine.travel(START, tick=True) as clock:
        call_command("onboard", str(SAMPLE), "--apply", verbosity=0)
        call_command("onboard", str(COMPLEMENT), "--apply", verbosity=0)
        yield World(clock)
