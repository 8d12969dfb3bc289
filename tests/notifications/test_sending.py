"""A failed e-mail is tried again after 1, 5 and 30 minutes, then marked failed; the transition
stands; each outcome is ledgered. The people a step awaits and the author of what is refused
are told."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from governance.meetings.models import Meeting, MeetingState
from governance.organisations.models import Role
from notifications.models import EmailStatus, Kind, Notification
from notifications.services import resend_due
from tests.meetings.conftest import Board
from tests.notifications.failing import FailingBackend

pytestmark = pytest.mark.django_db

FAILING = {"default": {"BACKEND": "tests.notifications.failing.FailingBackend"}}
START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def board(db):
    return Board()


def test_a_failed_send_is_retried_after_1_5_30_minutes_then_marked_failed(
    board, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = FAILING
    FailingBackend.calls = 0
    with time_machine.travel(START, tick=False) as clock:
        meeting = board.plan()
        with django_capture_on_commit_callbacks(execute=True):
            meeting = board.step(meeting, "convene")
        # The transition stands whatever the mailer does.
        assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.CONVENED
        row = Notification.objects.filter(kind=Kind.CONVOCATION).first()
        rows = Notification.objects.all()  # the convocations, and the secretary's next step
        assert rows.filter(kind=Kind.CONVOCATION).count() == len(board.members)
        assert FailingBackend.calls == rows.count()  # the first attempt, at once
        row.refresh_from_db()
        assert (row.email_status, row.attempts) == (EmailStatus.RETRY, 1)
        assert row.next_attempt_at == START + dt.timedelta(minutes=1)
        assert "SMTP server unreachable" in row.last_error

        schedule = [1, 5, 30]
        elapsed = 0
        for attempt, wait in enumerate(schedule, start=2):
            clock.move_to(START + dt.timedelta(minutes=elapsed + wait - 0.5))
            call_command("deadlines", "run", verbosity=0)  # not yet due
            row.refresh_from_db()
            assert row.attempts == attempt - 1
            elapsed += wait
            clock.move_to(START + dt.timedelta(minutes=elapsed))
            call_command("deadlines", "run", verbosity=0)
            call_command("deadlines", "run", verbosity=0)  # twice: one attempt all the same
            row.refresh_from_db()
            assert row.attempts == attempt
        assert row.email_status == EmailStatus.FAILED and row.next_attempt_at is None
        assert FailingBackend.calls == 4 * rows.count()
        # Nothing more afterwards.
        clock.move_to(START + dt.timedelta(days=1))
        assert resend_due() == {}
    failed = AuditEvent.objects.filter(action="notification.failed", object_id=str(meeting.pk))
    assert failed.count() == rows.count()
    assert '"attempts":4' in failed.first().data_json
    assert not AuditEvent.objects.filter(action="notification.sent").exists()
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.CONVENED


def test_a_retry_goes_through_once_the_mailer_answers_again(
    board, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = FAILING
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            board.step(board.plan(), "convene")
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        clock.move_to(START + dt.timedelta(minutes=1))
        call_command("deadlines", "run", verbosity=0)
    statuses = set(Notification.objects.values_list("email_status", flat=True))
    assert statuses == {EmailStatus.SENT}
    assert len(mail.outbox) == Notification.objects.count()
    assert AuditEvent.objects.filter(action="notification.sent").count() == len(mail.outbox)


def test_with_a_backend_that_defers_the_retry_is_a_task_run_after_a_minute(
    board, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.MAILERS = FAILING
    with time_machine.travel(START, tick=False):
        meeting = board.plan()
        with django_capture_on_commit_callbacks(execute=True):
            board.step(meeting, "convene")
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        row = Notification.objects.filter(kind=Kind.CONVOCATION).first()
        Notification.objects.filter(pk=row.pk).update(
            email_status=EmailStatus.PENDING, attempts=0, next_attempt_at=None
        )
        from notifications.services import send_attempt

        assert send_attempt(row.pk) == EmailStatus.RETRY
    task = DBTaskResult.objects.get(task_path="notifications.tasks.send_notification")
    assert task.run_after == START + dt.timedelta(minutes=1)
    assert task.args_kwargs == {"args": [row.pk], "kwargs": {}}


def test_the_people_a_step_awaits_are_told(board, django_capture_on_commit_callbacks):
    meeting = board.plan()
    with django_capture_on_commit_callbacks(execute=True):
        board.step(meeting, "convene")
    awaiting = Notification.objects.filter(kind=Kind.AWAITING)
    assert list(awaiting.values_list("recipient", flat=True)) == [board.secretary.pk]
    message = next(m for m in mail.outbox if "Convocation" not in m.subject)
    assert "Ouvrir la séance" in message.body or "Ouvrir l'élément" in message.body
    assert f"/seances/{meeting.pk}/" in message.body


def test_the_author_of_a_refused_plan_is_told(django_capture_on_commit_callbacks):
    from tests.workflows.conftest import World
    from workflows.engine import perform

    world = World()
    plan = world.plan("opinion_given")
    author = plan.submitted_by
    with django_capture_on_commit_callbacks(execute=True):
        perform(plan, "reject", actor=world.people[Role.PRESIDENT], comment="Hors du PRA.")
    refused = Notification.objects.get(kind=Kind.REFUSED)
    assert refused.recipient == author
    assert "Hors du PRA." in refused.text
    assert any(m.to == [author.email] and "Hors du PRA." in m.body for m in mail.outbox)


def test_the_centre_lists_marks_read_and_counts_in_the_menu(client, board):
    from notifications.services import Message, notify

    person = board.secretary
    notify(
        [person],
        kind=Kind.REMINDER,
        message=Message(title="Relance A", lines=["x"], url="/seances/"),
    )
    notify([person], kind=Kind.REMINDER, message=Message(title="Relance B", lines=["y"]))
    client.force_login(person)
    html = client.get("/notifications/").content.decode()
    assert "Relance A" in html and "2 notifications non lues" in html
    assert 'href="/notifications/"' in html and '>2<span class="visually-hidden"> non lues' in html
    first = Notification.objects.get(title="Relance A")
    response = client.get(f"/notifications/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/seances/"
    first.refresh_from_db()
    assert first.read_at is not None
    client.post("/notifications/tout-lu/")
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    html = client.get("/notifications/?filtre=non-lues").content.decode()
    assert "Aucune notification." in html
    # Someone else's notification is not found.
    client.force_login(board.president)
    assert client.get(f"/notifications/{first.pk}/").status_code == 404
    assert client.post(f"/notifications/{first.pk}/lue/").status_code == 404
    assert timezone.now()
