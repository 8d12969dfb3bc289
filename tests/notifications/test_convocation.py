"""Convening a meeting e-mails each member, with the .ics invitation and a receipt link that
records the receipt without logging in."""

import re

import pytest
from django.core import mail

from audit.models import AuditEvent
from governance.meetings.models import Invitation
from notifications.models import EmailStatus, Kind, Notification
from tests.meetings.conftest import Board

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db):
    return Board()


def convene(board, django_capture_on_commit_callbacks, **fields):
    meeting = board.plan(video_link="https://visio.example.org/ca", **fields)
    with django_capture_on_commit_callbacks(execute=True):
        return board.step(meeting, "convene")


def receipt_link(message) -> str:
    return re.search(r"https?://\S+/convocations/reception/\S+/", message.body).group(0)


def test_each_member_receives_the_convocation_with_an_ics_and_a_receipt_link(
    board, django_capture_on_commit_callbacks, settings
):
    settings.ARML_BASE_URL = "https://gouvernance.arml-test.fr"
    meeting = convene(board, django_capture_on_commit_callbacks)
    convocations = [m for m in mail.outbox if "Convocation" in m.subject]
    assert sorted(m.to[0] for m in convocations) == sorted(p.email for p in board.members)
    message = convocations[0]
    assert message.subject.startswith("[ARML] Convocation : Conseil d'administration")
    assert f"https://gouvernance.arml-test.fr/seances/{meeting.pk}/" in message.body
    assert "Budget prévisionnel 2027" in message.body
    html = message.alternatives[0]
    assert html.mimetype == "text/html" and "Accuser réception" in html.content
    (name, content, mimetype) = message.attachments[0]
    assert name == "convocation.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content and "METHOD:REQUEST" in content
    assert "LOCATION:Maison des associations" in content
    assert meeting.starts_at.strftime("DTSTART;TZID=Europe/Paris:%Y%m%dT") in content or (
        "DTSTART" in content
    )
    assert "visio.example.org" in content
    rows = Notification.objects.filter(kind=Kind.CONVOCATION, subject_id=str(meeting.pk))
    assert rows.count() == len(board.members)
    assert set(rows.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    sent = AuditEvent.objects.filter(action="notification.sent", object_id=str(meeting.pk))
    assert sent.filter(data_json__contains='"kind":"convocation"').count() == len(board.members)


def test_following_the_link_records_the_receipt_without_logging_in(
    board, django_capture_on_commit_callbacks, client
):
    meeting = convene(board, django_capture_on_commit_callbacks)
    member = board.board[0]
    message = next(m for m in mail.outbox if m.to == [member.email] and "Convocation" in m.subject)
    link = receipt_link(message)
    response = client.get(link[link.index("/convocations") :])
    assert response.status_code == 200
    assert "a été enregistrée" in response.content.decode()
    invitation = Invitation.objects.get(meeting=meeting, person=member)
    assert invitation.received_at is not None
    event = AuditEvent.objects.get(action="meeting.invitation_received")
    assert event.actor_id == member.pk
    # Once: following it again changes nothing.
    first = invitation.received_at
    client.get(link[link.index("/convocations") :])
    invitation.refresh_from_db()
    assert invitation.received_at == first
    assert AuditEvent.objects.filter(action="meeting.invitation_received").count() == 1
    # The receipt shows on the meeting page.
    client.force_login(board.secretary)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert first.astimezone().strftime("%d/%m/%Y") in page


def test_a_tampered_or_expired_link_is_refused_in_french(
    board, django_capture_on_commit_callbacks, client
):
    import datetime as dt

    import time_machine

    meeting = convene(board, django_capture_on_commit_callbacks)
    link = receipt_link(mail.outbox[0])
    path = link[link.index("/convocations") :]
    response = client.get(path[:-5] + "xxxx/")
    assert response.status_code == 400
    assert "pas valable" in response.content.decode()
    with time_machine.travel(meeting.starts_at + dt.timedelta(days=2)):
        response = client.get(path)
    assert response.status_code == 410
    assert "expiré" in response.content.decode()
    assert not Invitation.objects.filter(received_at__isnull=False).exists()
