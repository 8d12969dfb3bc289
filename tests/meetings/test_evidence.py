"""Issue 13.6: the closing event records the minutes' canonical content and its SHA-256, `manage.py
meetings verify` recomputes it from the rows and names a changed row, and the database refuses to
rewrite deliberations, votes, and the sheet once the session started (SQLite and PostgreSQL)."""

import importlib

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit.models import AuditEvent
from governance.meetings import evidence, services
from governance.meetings.models import Attendance, Deliberation, Meeting, Vote

pytestmark = pytest.mark.django_db

TRIGGERS = importlib.import_module("governance.migrations.0009_meetings_records_triggers")
REFUSED = (IntegrityError, DatabaseError)


def closed(board) -> Meeting:
    return board.close(board.in_session())


def sql(statement: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def tamper(statement: str, params=()) -> None:
    """What a database owner could do: the triggers lifted for one statement."""
    TRIGGERS.drop(connection)
    try:
        sql(statement, params)
    finally:
        TRIGGERS.install(connection)


def test_the_closing_event_records_the_minutes_content_and_its_hash(board):
    meeting = closed(board)
    event = AuditEvent.objects.get(action="meeting.closed", object_id=str(meeting.pk))
    recorded = event.data["minutes"]
    assert recorded["sha256"] == evidence.digest(recorded["content"])
    content = recorded["content"]
    assert len(content["attendance"]) == 8 and content["quorum"] == [8, 8, 0]
    (item,) = content["items"]
    assert len(item["votes"]) == 8
    number = Deliberation.objects.get(meeting=meeting).number
    assert item["deliberation"]["number"] == number and item["deliberation"]["for"] == 8
    assert evidence.verify() == []


def test_the_lapse_event_records_the_minutes_content_too(board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    board.attend(meeting, board.members[:1])
    board.complete_sheet(meeting)
    meeting = board.step(meeting, "lapse")
    event = AuditEvent.objects.get(action="meeting.lapsed", object_id=str(meeting.pk))
    assert event.data["minutes"]["content"]["quorum"] == [8, 1, 0]
    assert evidence.verify() == []


def test_a_deliberation_rewritten_in_the_database_is_found_by_verify(board, capsys):
    meeting = closed(board)
    call_command("meetings", "verify")
    assert "0 mismatch" in capsys.readouterr().out
    tamper(
        "UPDATE governance_deliberation SET number = %s, votes_for = 5, votes_against = 3 "
        "WHERE meeting_id = %s",
        ["2026-CA-042", meeting.pk],
    )
    findings = evidence.verify()
    assert [f.meeting_id for f in findings] == [meeting.pk]
    assert "items" in findings[0].problem
    with pytest.raises(SystemExit) as exited:
        call_command("meetings", "verify")
    assert exited.value.code == 1
    assert "MISMATCH" in capsys.readouterr().out


def test_changed_votes_and_attendance_are_found_by_verify(board):
    meeting = closed(board)
    votes = list(Vote.objects.filter(item__meeting=meeting).values_list("pk", flat=True))[:6]
    tamper(
        f"UPDATE governance_vote SET choice = 'against' WHERE id IN ({','.join(map(str, votes))})"
    )
    tamper(
        "UPDATE governance_attendance SET status = 'absent' WHERE meeting_id = %s AND person_id = %s",
        [meeting.pk, board.board[0].pk],
    )
    (finding,) = evidence.verify()
    assert "items" in finding.problem and "attendance" in finding.problem


def test_the_database_refuses_to_rewrite_a_deliberation(board):
    meeting = closed(board)
    deliberation = Deliberation.objects.get(meeting=meeting)
    with pytest.raises(REFUSED):
        sql("UPDATE governance_deliberation SET votes_for = 5 WHERE id = %s", [deliberation.pk])
    with pytest.raises(REFUSED):
        sql("DELETE FROM governance_deliberation WHERE id = %s", [deliberation.pk])
    with pytest.raises(REFUSED):  # final_at, but with another change
        sql(
            "UPDATE governance_deliberation SET final_at = created_at, number = 'X' WHERE id = %s",
            [deliberation.pk],
        )
    board.step(meeting, "sign_minutes", actor=board.secretary)  # the one update allowed
    deliberation.refresh_from_db()
    assert deliberation.is_final and deliberation.votes_for == 8
    with pytest.raises(REFUSED):  # and only once
        sql("UPDATE governance_deliberation SET final_at = NULL WHERE id = %s", [deliberation.pk])


def test_the_database_refuses_changed_votes_after_the_session(board):
    meeting = board.in_session()
    item = meeting.items.get()
    board.vote_all(meeting, {p: "for" for p in board.members})
    board.vote_all(meeting, {board.board[0]: "against"})  # corrected during the session: allowed
    meeting = board.step(meeting, "close")
    vote = Vote.objects.get(item=item, voter=board.board[0])
    with pytest.raises(REFUSED):
        sql("UPDATE governance_vote SET choice = 'for' WHERE id = %s", [vote.pk])
    with pytest.raises(REFUSED):
        sql("DELETE FROM governance_vote WHERE id = %s", [vote.pk])
    assert Vote.objects.get(pk=vote.pk).choice == "against"


def test_the_database_refuses_sheet_changes_once_the_session_started(board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    services.attendance_record(
        meeting=meeting, actor=board.secretary, person=board.board[0], status="present"
    )
    sql(  # still open: a correction is fine
        "UPDATE governance_attendance SET status = 'remote' WHERE meeting_id = %s", [meeting.pk]
    )
    services.proxy_record(
        meeting=meeting, actor=board.secretary, giver=board.board[5], holder=board.board[0]
    )
    board.attend(meeting, [p for p in board.members if p not in (board.board[0], board.board[5])])
    board.step(meeting, "start_session")
    row = Attendance.objects.get(meeting=meeting, person=board.board[1])
    for statement, params in (
        ("UPDATE governance_attendance SET status = 'absent' WHERE id = %s", [row.pk]),
        ("DELETE FROM governance_attendance WHERE id = %s", [row.pk]),
        ("DELETE FROM governance_proxy WHERE meeting_id = %s", [meeting.pk]),
        (
            "INSERT INTO governance_proxy (meeting_id, giver_id, holder_id, recorded_at) "
            "VALUES (%s, %s, %s, CURRENT_TIMESTAMP)",
            [meeting.pk, board.board[4].pk, board.board[1].pk],
        ),
    ):
        with pytest.raises(REFUSED):
            sql(statement, params)
    assert Attendance.objects.get(pk=row.pk).status == "present"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE is PostgreSQL's")
def test_truncating_the_register_is_refused(board):
    closed(board)
    with pytest.raises(REFUSED):
        sql("TRUNCATE governance_deliberation CASCADE")
