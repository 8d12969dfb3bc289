"""The dues on the real path (services and the engine): the GA's deliberation is required and
offered on its agenda, calls are signed by the president, payments settle them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from documents.models import Document
from documents.verification import verify
from governance.dues import services
from governance.dues.models import CallState, DuesCall, ScheduleState
from governance.dues.selectors import dues_years
from governance.meetings.selectors import agenda_subjects
from governance.organisations.models import BodyKind, Role
from tests.decisions import board_adopts
from tests.factories import ArmlFactory, MissionLocaleFactory, person_with_role
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db


@pytest.fixture
def arml():
    return ArmlFactory()


@pytest.fixture
def people(arml):
    return {
        "president": person_with_role(Role.PRESIDENT, arml),
        "director": person_with_role(Role.ARML_DIRECTOR, arml),
        "staff": person_with_role(Role.ARML_STAFF, arml),
    }


def draft(arml, people, **kw):
    return services.dues_schedule_create(
        actor=people["director"],
        arml=arml,
        year=2027,
        base_amount=kw.get("base", "1000"),
        per_young_amount=kw.get("per_young", "2"),
        due_on=dt.date(2027, 3, 31),
    )


def test_the_schedule_is_offered_to_the_ga_and_adopted_only_on_its_deliberation(arml, people):
    schedule = draft(arml, people)
    subjects = [s for s in agenda_subjects(arml.pk) if s.obj == schedule]
    assert len(subjects) == 1 and subjects[0].fingerprint == schedule.compute_hash()
    assert "Fixation des cotisations" in subjects[0].label
    with pytest.raises(errors.DeliberationRequired):
        perform(schedule, "adopt", actor=people["president"])
    board_adopts(schedule, kind=BodyKind.CA)  # the board is not competent
    with pytest.raises(errors.DeliberationRequired):
        perform(schedule, "adopt", actor=people["president"])
    old = schedule.compute_hash()
    board_adopts(schedule, kind=BodyKind.AG, fingerprint=old)
    schedule = (
        services.dues_schedule_update(  # the rule changed after the vote: the vote does not count
            actor=people["director"],
            schedule=schedule,
            base_amount="1100",
            per_young_amount="2",
            due_on=dt.date(2027, 3, 31),
        )
    )
    with pytest.raises(errors.DeliberationRequired):
        perform(schedule, "adopt", actor=people["president"])
    board_adopts(schedule, kind=BodyKind.AG)
    with pytest.raises(errors.Forbidden):
        perform(schedule, "adopt", actor=people["director"])
    schedule = perform(schedule, "adopt", actor=people["president"]).obj
    assert schedule.state == ScheduleState.ADOPTED
    assert schedule.adopted_hash == schedule.compute_hash()
    assert not [s for s in agenda_subjects(arml.pk) if s.obj == schedule]
    with pytest.raises(errors.InvalidState) as caught:
        services.dues_schedule_update(
            actor=people["director"],
            schedule=schedule,
            base_amount="1",
            due_on=dt.date(2027, 3, 31),
        )
    assert caught.value.code == "dues_schedule_adopted"


def adopted(arml, people, **kw):
    schedule = draft(arml, people, **kw)
    board_adopts(schedule, kind=BodyKind.AG)
    return perform(schedule, "adopt", actor=people["president"]).obj


def test_calls_one_per_ml_and_year_signed_by_the_president_then_paid(arml, people):
    a, b = MissionLocaleFactory(arml=arml), MissionLocaleFactory(arml=arml)
    schedule = adopted(arml, people)
    with pytest.raises(ValidationError):  # the rule counts young people: each ML's is needed
        services.dues_calls_prepare(
            actor=people["director"], schedule=schedule, young_people={a.pk: 100}
        )
    with pytest.raises(errors.Forbidden):
        services.dues_calls_prepare(
            actor=people["staff"], schedule=schedule, young_people={a.pk: 1, b.pk: 1}
        )
    calls = services.dues_calls_prepare(
        actor=people["director"], schedule=schedule, young_people={a.pk: 100, str(b.pk): 250}
    )
    assert sorted(c.amount for c in calls) == [Decimal("1200.00"), Decimal("1500.00")]
    # Again: no second call for the same ML and year.
    assert services.dues_calls_prepare(actor=people["director"], schedule=schedule) == []
    assert DuesCall.objects.filter(arml=arml, year=2027).count() == 2
    call = DuesCall.objects.get(mission_locale=a)
    with pytest.raises(errors.InvalidState):  # not issued yet
        services.dues_payment_record(actor=people["director"], call=call, amount="10")
    with pytest.raises(errors.Forbidden):
        perform(call, "call", actor=people["director"])
    call = perform(call, "call", actor=people["president"]).obj
    document = Document.objects.get(object_id=str(call.pk), kind="dues_call")
    assert verify(document.versions.get()).ok
    with pytest.raises(ValidationError):  # more than what is due
        services.dues_payment_record(actor=people["director"], call=call, amount="1200.01")
    with pytest.raises(errors.Forbidden):
        services.dues_payment_record(actor=people["staff"], call=call, amount="100")
    services.dues_payment_record(
        actor=people["director"], call=call, amount="200", paid_on=dt.date.today()
    )
    call.refresh_from_db()
    assert call.state == CallState.CALLED and call.left_to_pay() == Decimal("1000.00")
    services.dues_payment_record(actor=people["director"], call=call, amount="1000")
    call.refresh_from_db()
    assert call.state == CallState.PAID
    actions = list(
        AuditEvent.objects.filter(object_id=str(call.pk), action__startswith="dues_call.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert "dues_call.refused_attempt" in actions
    actions = [a for a in actions if a != "dues_call.refused_attempt"]
    assert actions == [
        "dues_call.called",
        "dues_call.payment_recorded",
        "dues_call.payment_recorded",
        "dues_call.settled",
    ]
    (year,) = dues_years(arml)
    assert (year.called, year.paid, year.left) == (
        Decimal("1200.00"),
        Decimal("1200.00"),
        Decimal("0.00"),
    )


def test_a_call_past_its_due_date_with_something_left_is_in_arrears(arml, people, time_machine):
    ml = MissionLocaleFactory(arml=arml)
    time_machine.move_to(dt.datetime(2027, 1, 15, 10, tzinfo=dt.UTC))
    schedule = adopted(arml, people, per_young="0")
    (call,) = services.dues_calls_prepare(actor=people["director"], schedule=schedule)
    call = perform(call, "call", actor=people["president"]).obj
    services.dues_payment_record(actor=people["director"], call=call, amount="400")
    assert not DuesCall.objects.get(pk=call.pk).in_arrears
    time_machine.move_to(dt.datetime(2027, 4, 2, 10, tzinfo=dt.UTC))
    assert DuesCall.objects.get(pk=call.pk).in_arrears
    (year,) = dues_years(arml)
    assert year.in_arrears == [str(ml)] and year.left == Decimal("600.00")
