"""Issue 11, the meetings points, each as the fault it was: a meeting held before its date,
incomplete votes and sheets counted, a second convocation's agenda that grows, minutes of lapse
with one signature, and who may act hard-coded instead of read from the body's rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from audit.models import AuditEvent
from documents.models import Document
from documents.services import read_verified
from documents.verification import verify
from governance.action_plans.models import ActionPlan
from governance.meetings import services
from governance.meetings.models import Deliberation, ExtractRequest, Meeting, MeetingState
from governance.organisations.models import BodyKind, BodyRules, Role
from tests.documents.pdftext import extract_text
from tests.factories import BodyFactory, give_mandate
from tests.meetings.conftest import at
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def pdf_text(meeting_or_obj, kind: str) -> str:
    document = Document.objects.filter(object_id=str(meeting_or_obj.pk), kind=kind).latest("pk")
    latest = document.versions.order_by("-n").first()
    return " ".join(extract_text(read_verified(latest)).replace("\u00a0", " ").split())


def last_refusal() -> dict:
    return (
        AuditEvent.objects.filter(action__endswith="refused_attempt").latest("seq").data["refusal"]
    )


# -- 1. a meeting is held on its day ---------------------------------------------------------
def test_a_meeting_cannot_open_before_its_day_and_the_refusal_gives_date_and_time(board):
    board.rules(notice_days=5)
    meeting = board.plan(days_ahead=11)  # "set for 10 December", convened on 29 November
    meeting = board.step(meeting, "convene")
    with pytest.raises(errors.ConditionsUnmet) as caught:
        board.step(meeting, "open", travel=False)
    assert caught.value.code == "meeting_not_yet"
    opens = timezone.localtime(meeting.starts_at) - dt.timedelta(minutes=60)
    with override("fr"):
        assert date_format(opens, "DATE_FORMAT") in caught.value.message
        assert date_format(opens, "TIME_FORMAT") in caught.value.message
    assert last_refusal()["code"] == "meeting_not_yet"
    board.clock.move_to(opens - dt.timedelta(minutes=1))
    with pytest.raises(errors.ConditionsUnmet):
        board.step(meeting, "open", travel=False)
    board.clock.move_to(opens)  # the body's opening margin: one hour before the start
    assert board.step(meeting, "open", travel=False).state == MeetingState.OPENED


def test_the_opening_margin_is_the_bodys(board):
    board.rules(opening_margin_minutes=0)
    meeting = board.step(board.plan(), "convene")
    board.clock.move_to(meeting.starts_at - dt.timedelta(minutes=30))
    with pytest.raises(errors.ConditionsUnmet):
        board.step(meeting, "open", travel=False)


def test_minutes_and_extracts_are_dated_and_placed_from_the_meeting(board):
    meeting = board.close(board.in_session())
    board.clock.move_to(meeting.starts_at + dt.timedelta(days=2))  # countersigned two days later
    board.step(meeting, "sign_minutes", actor=board.secretary)
    with override("fr"):
        day = date_format(meeting.day, "DATE_FORMAT")
        signed = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    minutes = pdf_text(meeting, "minutes")
    assert f"Fait à Maison des associations, Rennes, le {day}." in minutes
    deliberation = Deliberation.objects.get(meeting=meeting)
    request = services.extract_request_create(deliberation=deliberation, actor=board.staff)
    perform(request, "issue", actor=board.president)
    extract = pdf_text(request, "extract")
    assert f"Fait à Maison des associations, Rennes, le {day}." in extract
    assert f"signé le {signed}" in extract  # the countersignature's own date


def test_the_minutes_of_a_video_meeting_are_placed_in_the_armls_city(board):
    meeting = services.meeting_plan(
        actor=board.president,
        body=board.ca,
        starts_at=at(timezone.localdate() + dt.timedelta(days=20)),
        video_link="https://visio.example/ca",
        items=[{"title": "Budget"}],
    )
    meeting = board.close(board.in_session(meeting))
    with override("fr"):
        day = date_format(meeting.day, "DATE_FORMAT")
    assert f"Fait à Rennes, le {day}." in pdf_text(meeting, "minutes")


# -- 2. a vote is complete only when every entitled voice is recorded ---------------------------
def test_three_voices_of_six_are_a_vote_in_progress_not_an_adoption(board, client):
    meeting = board.in_session(present=board.members[:6])
    item = meeting.items.get()
    board.vote_all(meeting, {p: "for" for p in board.members[:3]})
    client.force_login(board.secretary)
    html = " ".join(client.get(meeting.get_absolute_url()).content.decode().split())
    assert "vote en cours (3 voix sur 6)" in html and "Adopté." not in html
    with pytest.raises(errors.ConditionsUnmet) as caught:
        board.step(meeting, "close")
    assert caught.value.code == "votes_incomplete"
    for person in board.members[3:6]:
        assert str(person) in caught.value.message
    assert str(board.members[0]) not in caught.value.message.split("—", 1)[1]
    board.vote_all(meeting, {board.members[3]: "against", board.members[4]: "abstain"})
    board.vote_all(meeting, {board.members[5]: "not_voting"})
    assert board.step(meeting, "close").state == MeetingState.CLOSED
    deliberation = Deliberation.objects.get(item=item)
    assert (deliberation.votes_for, deliberation.votes_against) == (3, 1)
    assert (deliberation.abstentions, deliberation.not_voting, deliberation.adopted) == (1, 1, True)


def test_the_session_cannot_start_while_a_member_is_unrecorded(board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:6])  # quorum met, two members not recorded
    with pytest.raises(errors.ConditionsUnmet) as caught:
        board.step(meeting, "start_session")
    assert caught.value.code == "attendance_incomplete"
    assert (
        str(board.board[4]) in caught.value.message and str(board.board[5]) in caught.value.message
    )
    board.complete_sheet(meeting)
    assert board.step(meeting, "start_session").state == MeetingState.IN_SESSION


def test_an_unrecorded_member_is_not_printed_among_the_absent(board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:6])
    board.attend(meeting, [board.board[4]], "absent")
    facts_of = __import__("governance.meetings.documents", fromlist=["attendance_facts"])
    lists = facts_of.attendance_facts(meeting)
    assert lists["absent"] == [str(board.board[4])] and lists["unknown"] == [str(board.board[5])]


# -- 3. the second convocation carries exactly the lapsed agenda --------------------------------
def lapsed_and_signed(board) -> Meeting:
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:1])
    board.complete_sheet(meeting)
    board.step(meeting, "lapse")
    return board.step(meeting, "sign_lapse", actor=board.secretary)


def test_an_item_cannot_be_added_to_a_second_convocation(board):
    first = lapsed_and_signed(board)
    second = services.meeting_second_convocation(
        meeting=first, actor=board.president, starts_at=first.starts_at + dt.timedelta(days=20)
    )
    with pytest.raises(errors.InvalidState) as caught:
        services.agenda_item_add(meeting=second, actor=board.president, title="Cotisations 2027")
    assert caught.value.code == "second_convocation_agenda"
    assert last_refusal()["code"] == "second_convocation_agenda"
    assert [i.title for i in second.items.all()] == [i.title for i in first.items.all()]


# -- 4. the minutes of lapse are signed by the chair and countersigned by the secretary --------
def test_the_minutes_of_lapse_carry_two_signatures_before_the_lapse_is_final(board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:1])
    board.complete_sheet(meeting)
    with pytest.raises(errors.Forbidden):  # the chair records the lapse, not the secretary
        board.step(meeting, "lapse", actor=board.secretary)
    meeting = board.step(meeting, "lapse")
    record = Document.objects.get(object_id=str(meeting.pk), kind="minutes")
    assert [s["field"] for s in record.signer_slots] == ["chair", "secretary"]
    with pytest.raises(errors.InvalidState) as caught:  # not final yet
        services.meeting_second_convocation(
            meeting=meeting, actor=board.president, starts_at=meeting.starts_at + dt.timedelta(20)
        )
    assert caught.value.code == "lapse_not_final"
    with pytest.raises(errors.Forbidden):  # two different people
        board.step(meeting, "sign_lapse", actor=board.president)
    meeting = board.step(meeting, "sign_lapse", actor=board.secretary)
    assert meeting.state == MeetingState.LAPSE_SIGNED
    second = record.versions.get(n=2)
    report = verify(second)
    assert report.ok and len(report.signatures) == 2
    assert "Procès-verbal de carence" in pdf_text(meeting, "minutes")


# -- 7. who may act follows the body ----------------------------------------------------------
@pytest.fixture
def committee(board):
    ct = BodyFactory(arml=board.arml, kind=BodyKind.TECHNICAL_COMMITTEE, name="Comité technique")
    BodyRules.objects.filter(body=ct).update(notice_days=8, convener_role="")
    chair = board.director
    give_mandate(chair, Role.COMMITTEE_CHAIR, board.arml, body=ct)
    give_mandate(chair, Role.ML_DIRECTOR, board.arml, body=ct, mission_locale=board.ml)
    give_mandate(board.secretary, Role.BOARD_MEMBER, board.arml, body=ct)
    return ct, chair


def test_the_committee_chair_plans_convenes_and_closes_the_committees_meetings(board, committee):
    ct, chair = committee
    assert BodyRules.objects.get(body=ct).convener == Role.COMMITTEE_CHAIR
    with pytest.raises(errors.Forbidden) as caught:
        services.meeting_plan(
            actor=board.president,
            body=ct,
            starts_at=at(timezone.localdate() + dt.timedelta(days=20)),
            place="Rennes",
            items=[{"title": "Avis"}],
        )
    assert caught.value.code == "role_required"
    meeting = services.meeting_plan(
        actor=chair,
        body=ct,
        starts_at=at(timezone.localdate() + dt.timedelta(days=20)),
        place="Rennes",
        items=[{"title": "Avis sur le plan"}],
    )
    services.agenda_item_add(meeting=meeting, actor=chair, title="Questions diverses")
    with pytest.raises(errors.Forbidden):
        board.step(meeting, "convene", actor=board.president)
    meeting = board.step(meeting, "convene", actor=chair)
    assert meeting.chair == chair
    meeting = board.step(meeting, "open")
    board.attend(meeting, list(meeting.members()))
    meeting = board.step(meeting, "start_session")
    for item in meeting.items.all():
        board.vote_all(meeting, {p: "for" for p in meeting.members()}, item)
    with pytest.raises(errors.Forbidden):
        board.step(meeting, "close", actor=board.president)
    meeting = board.step(meeting, "close", actor=chair)
    minutes = Document.objects.get(object_id=str(meeting.pk), kind="minutes")
    assert minutes.versions.get().signature.role == Role.COMMITTEE_CHAIR


def test_extracts_are_issued_by_whom_the_bodys_rules_name(board):
    meeting = board.close(board.in_session())
    board.step(meeting, "sign_minutes", actor=board.secretary)
    deliberation = Deliberation.objects.get(meeting=meeting)
    board.rules(extract_issuer_role=Role.SECRETARY)
    request = services.extract_request_create(deliberation=deliberation, actor=board.staff)
    with pytest.raises(errors.Forbidden) as caught:
        perform(request, "issue", actor=board.president)
    assert caught.value.code == "role_required"
    outcome = perform(ExtractRequest.objects.get(pk=request.pk), "issue", actor=board.secretary)
    assert outcome.obj.state == "issued" and outcome.document.signature.role == Role.SECRETARY


def test_the_arml_says_which_body_approves_action_plans_above_the_threshold(board):
    plan = ActionPlan.objects.create(
        arml=board.arml,
        mission_locale=board.ml,
        title="Plateforme régionale",
        summary="…",
        budget=Decimal("90000.00"),
        submitted_by=board.director,
        state="opinion_given",
    )
    bureau = BodyFactory(arml=board.arml, kind=BodyKind.BUREAU, name="Bureau")
    for person in (board.president, board.secretary):
        give_mandate(person, Role.BOARD_MEMBER, board.arml, body=bureau)
    meeting = services.meeting_plan(
        actor=board.president,
        body=bureau,
        starts_at=at(timezone.localdate() + dt.timedelta(days=20)),
        place="Rennes",
        items=[{"title": "Plan régional", "subject": plan}],
    )
    meeting = board.close(board.in_session(meeting, present=[board.president, board.secretary]))
    board.step(meeting, "sign_minutes", actor=board.secretary)
    with pytest.raises(errors.ConditionsUnmet):  # the board's, by default: the bureau's is not
        perform(ActionPlan.objects.get(pk=plan.pk), "approve", actor=board.president)
    board.arml.action_plan_body = BodyKind.BUREAU
    board.arml.save(update_fields=["action_plan_body"])
    plan = ActionPlan.objects.get(pk=plan.pk)
    assert perform(plan, "approve", actor=board.president).obj.state == "approved"


def test_where_a_person_may_plan_is_asked_of_an_arml_without_error(board, committee):
    from governance.meetings.rules import PLAN
    from permissions.authorization import armls_allowed

    assert armls_allowed(board.president, PLAN) == [board.arml]
    assert armls_allowed(committee[1], PLAN) == [board.arml]
    assert armls_allowed(board.board[0], PLAN) == []
