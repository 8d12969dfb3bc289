"""Issue 15 for meetings (the minutes name their chair and secretary, list only the recorded
absent, print the version decided on rather than a hash; the page offers only what the state
allows) and issue 10's attendance sheet saved all or nothing."""

import re

import pytest
from django.db import DatabaseError
from django.urls import reverse

from documents.models import Document
from documents.services import read_verified
from governance.meetings import services
from governance.meetings.models import Attendance, Meeting
from tests.documents.pdftext import extract_text
from tests.factories import give_mandate
from workflows import errors

pytestmark = pytest.mark.django_db


def minutes_text(meeting: Meeting) -> str:
    document = Document.objects.get(object_id=str(meeting.pk), kind="minutes")
    latest = document.versions.order_by("-n").first()
    return " ".join(extract_text(read_verified(latest)).replace("\u00a0", " ").split())


def test_the_minutes_name_the_chair_and_secretary_and_only_the_recorded_absent(board):
    give_mandate(board.president, "president", board.arml, title="Présidente de l'ARML Bretagne")
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:6])
    board.attend(meeting, [board.board[4]], "absent")
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[5], holder=board.board[0]
    )
    meeting = board.step(meeting, "start_session")
    meeting = board.close(meeting)
    text = minutes_text(meeting)
    assert "Présidence de séance : Hélène Aubry, Présidente de l'ARML Bretagne." in text
    assert "Secrétariat de séance : Zoé Bihan, Secrétaire." in text
    assert "Le·la président·e" not in text
    assert f"Absent (1) : {board.board[4]}" in text
    assert f"Représenté (1) : {board.board[5]}" in text
    assert "Présents (6)" in text
    assert "1 représenté)" in text and "1 représentés" not in text


def test_an_unrecorded_member_is_listed_apart_in_the_minutes_of_lapse(board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:1])
    board.attend(meeting, board.members[1:7], "absent")
    # the sheet must be complete to lapse: the last member is recorded through the facts only
    from governance.meetings.documents import attendance_facts

    assert attendance_facts(meeting)["unknown"] == [str(board.board[5])]
    assert str(board.board[5]) not in attendance_facts(meeting)["absent"]


def test_the_minutes_print_the_version_decided_on_not_a_hash(board):
    previous = board.close(board.in_session())
    board.step(previous, "sign_minutes", actor=board.secretary)
    fingerprint = previous.deliberation_fingerprint()
    meeting = board.plan(
        days_ahead=40, items=[{"title": "Procès-verbal précédent", "subject": previous}]
    )
    meeting = board.close(board.in_session(meeting))
    text = minutes_text(meeting)
    item = meeting.items.get()
    assert item.subject_reference == previous.reference() and item.subject_version
    assert f"référence {previous.reference()}, version {item.subject_version}." in text
    body, _sep, notes = text.partition("Point 1 : empreinte SHA-256")
    assert fingerprint not in body  # only in the small-print note
    assert fingerprint[:32] in notes.replace(" ", "")


def test_the_attendance_sheet_is_saved_all_or_nothing(board, monkeypatch):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    from governance.meetings.services import attendance

    real = attendance._record_attendance
    calls = []

    def failing_on_the_third(*args, **kwargs):
        calls.append(kwargs["person"])
        if len(calls) == 3:
            raise DatabaseError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(attendance, "_record_attendance", failing_on_the_third)
    with pytest.raises(DatabaseError):
        services.attendance_record_many(
            meeting=meeting,
            actor=board.secretary,
            statuses={p.pk: "present" for p in board.members},
        )
    assert len(calls) == 3 and not Attendance.objects.filter(meeting=meeting).exists()


def test_the_page_saves_no_line_when_the_third_is_refused(board, client):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[1], holder=board.board[0]
    )
    client.force_login(board.secretary)
    data = {f"presence_{p.pk}": "present" for p in board.members}  # board[1] gave a proxy
    response = client.post(
        reverse("governance:meeting_attendance", args=[meeting.pk]), data, follow=True
    )
    assert "retirez la procuration" in response.content.decode()
    assert set(Attendance.objects.filter(meeting=meeting).values_list("status", flat=True)) == {
        "represented"
    }


def page(client, meeting) -> str:
    return " ".join(client.get(meeting.get_absolute_url()).content.decode().split())


def test_the_page_offers_receipts_only_while_convened(board, client):
    meeting = board.step(board.plan(), "convene")
    client.force_login(board.board[0])
    assert "J’accuse réception de ma convocation" in page(client, meeting) or (
        "accuse réception" in page(client, meeting)
    )
    meeting = board.close(board.in_session(meeting))
    board.step(meeting, "sign_minutes", actor=board.secretary)
    client.force_login(board.board[0])
    html = page(client, meeting)
    assert "accuse réception" not in html and "Enregistrer la réception" not in html
    client.force_login(board.secretary)
    html = page(client, meeting)
    assert "Enregistrer la réception" not in html and "Enregistrer la feuille" not in html


def test_the_proxy_form_does_not_preselect_the_holder(board, client):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    client.force_login(board.secretary)
    html = page(client, meeting)
    holder = re.search(r'<select id="proxy-holder"[^>]*>(.*?)</select>', html).group(1)
    assert holder.startswith('<option value="">') and "selected" not in holder
    assert "required" in re.search(r'<select id="proxy-holder"[^>]*>', html).group(0)


def test_the_main_action_comes_first_and_the_lapse_last_and_confirmed(board, client):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:1])
    board.complete_sheet(meeting)
    client.force_login(board.president)
    html = page(client, meeting)
    actions = html.index('id="h-actions"')
    assert actions < html.index('id="h-agenda"') < html.index('id="h-attendance"')
    form = re.search(r"<form[^>]*transitions/lapse/.*?</form>", html).group(0)
    assert 'type="checkbox" required' in form and "btn-danger" in form


def test_the_agenda_form_is_styled(board, client):
    meeting = board.plan()
    client.force_login(board.president)
    html = page(client, meeting)
    form = re.search(r"<form[^>]*ordre-du-jour/.*?</form>", html).group(0)
    assert 'class="form-control' in form and 'class="form-select' in form


def test_templates_compare_states_through_the_enum():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "governance/templates/governance/meetings"
    for template in folder.glob("*.html"):
        assert not re.search(r"state\s*[!=]=\s*\"", template.read_text()), template.name


def test_a_vote_refused_in_a_batch_saves_none_and_is_ledgered_once(board):
    meeting = board.in_session()
    item = meeting.items.get()
    services.interest_declare(item=item, actor=board.secretary, person=board.board[2])
    with pytest.raises(errors.InvalidData) as caught:
        services.votes_record(
            item=item,
            actor=board.secretary,
            choices={board.board[0].pk: "for", board.board[1].pk: "for", board.board[2].pk: "for"},
        )
    assert caught.value.code == "conflict_of_interest"
    assert not item.votes.exists()
