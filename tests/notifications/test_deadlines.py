"""Deadlines and reminders under a controllable clock: the dialogue file's reminders go out
30, 7 and 1 days before it is due, once each however often `deadlines run` runs; after the
due date the dialogue is overdue in the inbox and on the dashboard."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from governance.dialogues.services import dialogue_create, dialogue_prepare
from notifications.deadlines import KINDS, open_deadlines
from notifications.models import Kind, Notification, SentReminder
from tests.dialogues.conftest import World

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2027, 1, 4, 8, 0, tzinfo=dt.UTC)


def run_twice():
    call_command("deadlines", "run", verbosity=0)
    call_command("deadlines", "run", verbosity=0)


def reminders_to(person):
    return list(
        Notification.objects.filter(recipient=person, kind__in=[Kind.REMINDER, Kind.OVERDUE])
        .order_by("pk")
        .values_list("kind", "title")
    )


def test_the_declared_kinds_are_found_at_start_up():
    assert {
        "meeting.convocation_notice",
        "dialogue.file_due",
        "circuit.countersignature",
        "programme.quarterly_progress",
    } <= set(KINDS)


def test_dialogue_file_reminders_at_30_7_1_days_then_overdue(client, settings):
    settings.ARML_REMINDER_OFFSETS = [30, 7, 1]
    with time_machine.travel(TODAY, tick=False) as clock:
        world = World()
        dialogue = dialogue_create(actor=world.director, arml=world.arml, year=2027)
        meeting_date = timezone.localdate() + dt.timedelta(days=60)
        dialogue_prepare(
            actor=world.director,
            dialogue=dialogue,
            meeting_date=meeting_date,
            financial_report="Comptes 2026.",
            actions_report="Plan réalisé.",
        )
        due = meeting_date - dt.timedelta(days=dialogue.file_due_days)  # 45 days from now

        def at(days_before: int) -> None:
            clock.move_to(
                timezone.make_aware(
                    dt.datetime.combine(due - dt.timedelta(days=days_before), dt.time(9))
                )
            )

        at(31)
        run_twice()
        assert reminders_to(world.director) == []
        expected = []
        for days in (30, 7, 1):
            at(days)
            run_twice()
            expected.append(
                (
                    Kind.REMINDER,
                    f"[ARML] Échéance dans {days} jour{'s' if days > 1 else ''} : Dossier du dialogue de gestion à transmettre — {dialogue}",
                )
            )
            assert reminders_to(world.director) == expected
        at(0)  # the day itself: nothing new (the 1-day reminder went out yesterday)
        run_twice()
        assert len(reminders_to(world.director)) == 3
        at(-1)  # the day after: overdue, said once
        run_twice()
        kinds = [k for k, _t in reminders_to(world.director)]
        assert kinds == [Kind.REMINDER] * 3 + [Kind.OVERDUE]
        assert SentReminder.objects.filter(recipient=world.director).count() == 4
        # The reminders go by e-mail too (here by the next runs: the test's transaction never
        # commits, so the runs send what is pending), with the link to the dialogue.
        subjects = [m.subject for m in mail.outbox if m.to == [world.director.email]]
        assert [t for _k, t in expected] == [s for s in subjects if "Échéance dans" in s]
        assert f"/dialogues/{dialogue.pk}/" in mail.outbox[-1].body
        # Nobody but whoever may transmit the file (the director) was reminded.
        assert set(SentReminder.objects.values_list("recipient", flat=True)) == {world.director.pk}

        [item] = [d for d in open_deadlines() if d.kind.code == "dialogue.file_due"]
        assert item.overdue and item.on == due
        client.force_login(world.director)
        home = client.get("/").content.decode()
        assert "En retard" in home and due.strftime("%d/%m/%Y") in home
        board = client.get(f"/tableau-de-bord/{world.arml.pk}/").content.decode()
        assert "Échéances" in board and "Dossier du dialogue de gestion à transmettre" in board
        assert "En retard" in board


def test_once_the_file_is_transmitted_the_deadline_closes_and_nothing_more_is_sent():
    from workflows.engine import perform

    with time_machine.travel(TODAY, tick=False):
        world = World()
        dialogue = dialogue_create(actor=world.director, arml=world.arml, year=2027)
        dialogue_prepare(
            actor=world.director,
            dialogue=dialogue,
            meeting_date=timezone.localdate() + dt.timedelta(days=20),
            financial_report="Comptes 2026.",
            actions_report="Plan réalisé.",
        )
        assert [d.kind.code for d in open_deadlines()] == ["dialogue.file_due"]
        perform(dialogue, "transmit_file", actor=world.director)
        assert open_deadlines() == []
        run_twice()
    assert not SentReminder.objects.exists()


def test_a_planned_meeting_has_its_last_day_to_convene(settings):
    from tests.meetings.conftest import Board

    with time_machine.travel(TODAY, tick=False):
        board = Board()  # 15 clear days of notice
        meeting = board.plan(days_ahead=40)
        [item] = open_deadlines()
        assert item.kind.code == "meeting.convocation_notice"
        assert item.on == meeting.day - dt.timedelta(days=16)
        assert item.recipients() == [board.president]


def test_a_countersignature_awaited_too_long_is_overdue_for_the_officers(settings):
    from tests.conventions.conftest import World as ConventionWorld

    settings.ARML_COUNTERSIGN_REMINDER_DAYS = 15
    with time_machine.travel(TODAY, tick=False) as clock:
        world = ConventionWorld()
        world.awaiting()  # signed by the president: State and Region countersign
        found = [d for d in open_deadlines() if d.kind.code == "circuit.countersignature"]
        assert {d.on for d in found} == {timezone.localdate() + dt.timedelta(days=15)}
        people = {p.pk for d in found for p in d.recipients()}
        assert people == {world.state_officer.pk, world.region_officer.pk}
        clock.move_to(TODAY + dt.timedelta(days=16))
        run_twice()
        overdue = Notification.objects.filter(kind=Kind.OVERDUE)
        assert set(overdue.values_list("recipient", flat=True)) == people
        assert overdue.count() == 2


def test_schedule_starts_one_loop_with_a_backend_that_defers(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("deadlines", "schedule")
    call_command("deadlines", "schedule")
    assert DBTaskResult.objects.filter(task_path="notifications.tasks.deadlines_tick").count() == 1


def test_the_tick_runs_and_enqueues_the_next_one_15_minutes_later(settings):
    from django_tasks_db.models import DBTaskResult

    from notifications.tasks import deadlines_tick

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with time_machine.travel(TODAY, tick=False):
        deadlines_tick.call()
    [task] = DBTaskResult.objects.filter(task_path="notifications.tasks.deadlines_tick")
    assert task.run_after == TODAY + dt.timedelta(minutes=15)


def test_each_run_performs_the_steps_rooms_declare(monkeypatch):
    from notifications import deadlines

    seen = []
    monkeypatch.setitem(deadlines.STEPS, "test_step", lambda now: seen.append(now) or [1, 2])
    with time_machine.travel(TODAY, tick=False):
        counts = deadlines.run()
    assert seen == [TODAY] and counts["test_step"] == 2
