"""A board (CA) of eight members with known rules, and helpers that drive meetings through perform."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.meetings import services
from governance.meetings.models import Meeting, Presence
from governance.organisations.models import BodyKind, BodyRules, Role
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

    def __init__(self) -> None:
        self.arml = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
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

    def step(self, meeting: Meeting, name: str, actor=None, **kwargs):
        actor = actor or {"convene": self.president, "close": self.president}.get(
            name, self.secretary
        )
        return perform(Meeting.objects.get(pk=meeting.pk), name, actor=actor, **kwargs).obj

    def attend(self, meeting: Meeting, people, status: str = Presence.PRESENT) -> None:
        for person in people:
            services.attendance_record(
                meeting=meeting, actor=self.secretary, person=person, status=status
            )

    def in_session(self, meeting: Meeting | None = None, *, present=None) -> Meeting:
        """Convened, opened, everyone (or `present`) present, session started."""
        meeting = meeting or self.plan()
        meeting = self.step(meeting, "convene")
        meeting = self.step(meeting, "open")
        self.attend(meeting, present if present is not None else self.members)
        return self.step(meeting, "start_session")

    def vote_all(self, meeting: Meeting, choices: dict, item=None) -> None:
        item = item or meeting.items.get(order=1)
        for person, choice in choices.items():
            services.vote_record(item=item, actor=self.secretary, voter=person, choice=choice)


@pytest.fixture
def board(db):
    return Board()
