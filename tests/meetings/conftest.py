"""A board (CA) of eight members with known rules, a clock the tests move (time-machine: a
meeting is held on its day), and helpers that drive meetings through perform."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from governance.meetings import services
from governance.meetings.models import Meeting, Presence
from governance.organisations.models import BodyKind, BodyRules, Person, Role
from tests.factories import (
    ArmlFactory,
    BodyFactory,
    MissionLocaleFactory,
    PersonFactory,
    RegionFactory,
    give_mandate,
    person_with_role,
)
from workflows.engine import perform


def at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def member(role, arml, body, first_name, last_name):
    person = PersonFactory(first_name=first_name, last_name=last_name)
    give_mandate(person, role, arml, body=body)
    return person


class Board:
    """CA rules: quorum ½, no quorum at the 2nd convocation, 15 clear days' notice, one proxy per
    holder, majority of votes cast, the chair has a casting vote."""

    def __init__(self, clock=None) -> None:
        self.clock = clock
        self.arml = ArmlFactory(
            region=RegionFactory(code="53", name="Bretagne"),
            address="10 rue de la Monnaie, 35000 Rennes",
            city="Rennes",
        )
        self.ml = MissionLocaleFactory(arml=self.arml, name="Mission Locale de Rennes")
        self.ca = BodyFactory(arml=self.arml, kind=BodyKind.CA, name="Conseil d'administration")
        BodyRules.objects.filter(body=self.ca).update(
            quorum_numerator=1,
            quorum_denominator=2,
            second_quorum_numerator=0,
            second_quorum_denominator=1,
            notice_days=15,
            max_proxies_per_holder=1,
            majority="cast",
            chair_casting_vote=True,
        )
        a, ca = self.arml, self.ca
        self.president = member(Role.PRESIDENT, a, ca, "Hélène", "Aubry")
        self.secretary = member(Role.SECRETARY, a, ca, "Zoé", "Bihan")
        self.board = [member(Role.BOARD_MEMBER, a, ca, f"Membre{i}", f"C{i}") for i in range(6)]
        self.members = [self.president, self.secretary, *self.board]
        self.staff = member(Role.ARML_STAFF, a, None, "Yann", "Le Goff")
        self.director = person_with_role(Role.ML_DIRECTOR, a, mission_locale=self.ml)

    def rules(self, **values) -> None:
        BodyRules.objects.filter(body=self.ca).update(**values)
        self.ca.refresh_from_db()

    def plan(self, *, days_ahead: int = 30, items=None, **fields) -> Meeting:
        items = items if items is not None else [{"title": "Budget prévisionnel 2027"}]
        return services.meeting_plan(
            actor=self.president,
            body=self.ca,
            starts_at=at(timezone.localdate() + dt.timedelta(days=days_ahead)),
            place="Maison des associations, Rennes",
            items=items,
            **fields,
        )

    def to_meeting(self, meeting: Meeting, *, minutes: int = 0) -> None:
        """Move the clock to the meeting's start (plus `minutes`), never backwards."""
        when = meeting.starts_at + dt.timedelta(minutes=minutes)
        if self.clock is not None and timezone.now() < when:
            self.clock.move_to(when)

    def step(self, meeting: Meeting, name: str, actor=None, *, travel: bool = True, **kwargs):
        """Perform `name`; opening first moves the clock to the meeting's start (travel=False
        keeps it where it is)."""
        actor = actor or {
            "convene": self.president,
            "close": self.president,
            "lapse": self.president,
        }.get(name, self.secretary)
        meeting = Meeting.objects.get(pk=meeting.pk)
        if name == "open" and travel:
            self.to_meeting(meeting)
        return perform(meeting, name, actor=actor, **kwargs).obj

    def attend(self, meeting: Meeting, people, status: str = Presence.PRESENT) -> None:
        for person in people:
            services.attendance_record(
                meeting=meeting, actor=self.secretary, person=person, status=status
            )

    def complete_sheet(self, meeting: Meeting) -> None:
        """Everyone not yet recorded is recorded absent (the session needs a complete sheet)."""
        for person in meeting.members().exclude(pk__in=meeting.presence()):
            services.attendance_record(
                meeting=meeting, actor=self.secretary, person=person, status=Presence.ABSENT
            )

    def in_session(self, meeting: Meeting | None = None, *, present=None) -> Meeting:
        """Convened, opened on its day, everyone (or `present`) present and the others absent,
        session started."""
        meeting = meeting or self.plan()
        if meeting.state == "planned":
            meeting = self.step(meeting, "convene")
        meeting = self.step(meeting, "open")
        self.attend(meeting, present if present is not None else self.members)
        self.complete_sheet(meeting)
        return self.step(meeting, "start_session")

    def close(self, meeting: Meeting, choice: str = "for") -> Meeting:
        """Every voice on every item put to the vote recorded as `choice`, then closed."""
        for item in meeting.items.exclude(kind="information"):
            for voter in meeting.voices(item):
                services.vote_record(
                    item=item,
                    actor=self.secretary,
                    voter=Person.objects.get(pk=voter),
                    choice=choice,
                )
        return self.step(meeting, "close")

    def vote_all(self, meeting: Meeting, choices: dict, item=None) -> None:
        item = item or meeting.items.get(order=1)
        for person, choice in choices.items():
            services.vote_record(item=item, actor=self.secretary, voter=person, choice=choice)


@pytest.fixture
def clock():
    """Now, ticking; tests move it forward with `clock.move_to(...)` (or Board.to_meeting)."""
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        yield traveller


@pytest.fixture
def board(db, clock):
    return Board(clock)
