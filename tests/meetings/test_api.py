"""Issue 11.11: every act of the meeting pages over the API, in the uniform shape — planning with
an agenda, agenda items, convocations and their receipts, the sheet, proxies, interests, votes,
the second convocation — each refusal a 4xx with its code, never a 5xx; and (13.11) no name from
outside the user's scope in an error."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance.meetings.models import Attendance, Meeting
from tests.factories import ArmlFactory, PersonFactory, give_mandate

pytestmark = pytest.mark.django_db

JSON = "application/json"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def plan_payload(board, **extra):
    day = timezone.localdate() + dt.timedelta(days=30)
    return {
        "body": board.ca.pk,
        "starts_at": f"{day:%Y-%m-%d}T14:00:00+01:00",
        "place": "Maison des associations, Rennes",
        "items": [{"title": "Budget 2027"}, {"title": "Point réseau", "kind": "information"}],
        **extra,
    }


def test_the_president_plans_a_meeting_with_its_agenda(client, board):
    client.force_login(board.president)
    r = post(client, "/api/v1/meetings/", plan_payload(board))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "planned" and [i["title"] for i in body["items"]] == [
        "Budget 2027",
        "Point réseau",
    ]
    r = post(client, f"/api/v1/meetings/{body['id']}/agenda-items/", {"title": "Cotisations"})
    assert r.status_code == 201 and len(r.json()["items"]) == 3


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"place": ""}, 400, "place_required"),
        ({"body": 999999}, 400, "not_a_body"),
        ({"starts_at": "demain"}, 400, "invalid"),
        (
            {"items": [{"title": "X", "subject": "governance.convention:999"}]},
            400,
            "subject_not_offered",
        ),
        ({"items": [{"title": "X", "kind": "vote"}]}, 400, "invalid"),
        ({"items": "budget"}, 400, "invalid"),
    ],
)
def test_planning_refuses_bad_input_with_a_code(client, board, change, status, code):
    client.force_login(board.president)
    r = post(client, "/api/v1/meetings/", plan_payload(board, **change))
    assert r.status_code == status and r.json()["code"] == code, r.content
    assert not Meeting.objects.exists()


def test_a_board_member_cannot_plan(client, board):
    client.force_login(board.board[0])
    r = post(client, "/api/v1/meetings/", plan_payload(board))
    assert r.status_code == 403 and r.json()["code"] == "role_required"


def test_the_agenda_is_locked_once_convened(client, board):
    meeting = board.step(board.plan(), "convene")
    client.force_login(board.president)
    r = post(client, f"/api/v1/meetings/{meeting.pk}/agenda-items/", {"title": "Ajout"})
    assert r.status_code == 409 and r.json()["code"] == "agenda_locked"
    r = post(client, f"/api/v1/meetings/{meeting.pk}/agenda-items/", {"kind": "deliberation"})
    assert r.status_code == 400


def test_invitations_are_listed_and_receipts_recorded_until_the_meeting_opens(client, board):
    meeting = board.step(board.plan(), "convene")
    base = f"/api/v1/meetings/{meeting.pk}"
    client.force_login(board.board[0])
    rows = client.get(f"{base}/invitations/").json()
    assert len(rows) == 8 and all(r["received_at"] is None for r in rows)
    mine = next(r for r in rows if r["person"] == board.board[0].pk)
    other = next(r for r in rows if r["person"] == board.board[1].pk)
    r = post(client, f"{base}/invitations/{mine['id']}/receipt/")
    assert r.status_code == 200 and r.json()["received_at"]
    r = post(client, f"{base}/invitations/{other['id']}/receipt/")
    assert r.status_code == 403 and r.json()["code"] == "role_required"
    assert post(client, f"{base}/invitations/999999/receipt/").status_code == 404
    client.force_login(board.secretary)
    assert post(client, f"{base}/invitations/{other['id']}/receipt/").status_code == 200
    board.step(meeting, "open")
    client.force_login(board.secretary)
    third = next(r for r in rows if r["person"] == board.board[2].pk)
    r = post(client, f"{base}/invitations/{third['id']}/receipt/")
    assert r.status_code == 409 and r.json()["code"] == "receipts_closed"


def test_someone_of_another_arml_is_refused_without_being_named(client, board):
    stranger = PersonFactory(first_name="Annick", last_name="Le Goff")
    give_mandate(stranger, "board_member", ArmlFactory())
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    client.force_login(board.secretary)
    base = f"/api/v1/meetings/{meeting.pk}"
    for url, data in (
        (f"{base}/attendance/", {"person": stranger.pk, "status": "present"}),
        (f"{base}/proxies/", {"giver": stranger.pk, "holder": board.board[0].pk}),
        (f"{base}/proxies/", {"giver": board.board[0].pk, "holder": stranger.pk}),
        (f"{base}/attendance-sheet/", {"statuses": {str(stranger.pk): "present"}}),
    ):
        r = post(client, url, data)
        assert r.status_code == 400 and r.json()["code"] == "not_a_member", r.content
        assert "Annick" not in r.content.decode() and "Le Goff" not in r.content.decode()


def test_the_sheet_over_the_api_is_all_or_nothing(client, board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    client.force_login(board.secretary)
    statuses = {str(p.pk): "present" for p in board.members[:2]}
    statuses[str(board.members[2].pk)] = "somewhere"
    r = post(client, f"/api/v1/meetings/{meeting.pk}/attendance-sheet/", {"statuses": statuses})
    assert r.status_code == 400 and r.json()["code"] == "invalid_presence"
    assert not Attendance.objects.filter(meeting=meeting).exists()
    statuses[str(board.members[2].pk)] = "absent"
    r = post(client, f"/api/v1/meetings/{meeting.pk}/attendance-sheet/", {"statuses": statuses})
    assert r.status_code == 200 and Attendance.objects.filter(meeting=meeting).count() == 3


def test_records_answer_4xx_with_a_code_on_bad_input_never_5xx(client, board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    client.force_login(board.secretary)
    base = f"/api/v1/meetings/{meeting.pk}"
    item = meeting.items.get()
    member = board.board[0].pk
    cases = [
        ("attendance/", {}),
        ("attendance/", {"person": "x", "status": "present"}),
        ("attendance/", {"person": member, "status": "represented"}),
        ("attendance/", {"person": 999999, "status": "present"}),
        ("attendance-sheet/", {"statuses": {"abc": "present"}}),
        ("attendance-sheet/", {"statuses": "present"}),
        ("proxies/", {"giver": member, "holder": member}),
        ("proxies/", {"giver": member}),
        ("proxies/withdraw/", {"giver": member}),
        ("proxies/withdraw/", {"giver": "x"}),
        ("interests/", {"item": 999999, "person": member}),
        ("interests/", {"item": item.pk, "person": 999999}),
        ("votes/", {"item": item.pk, "voter": member, "choice": "for"}),
        ("votes/", {"item": item.pk, "voter": member, "choice": "peut-être"}),
        ("votes/", {"item": 999999, "voter": member, "choice": "for"}),
        ("second-convocation/", {"starts_at": "2030-01-01T10:00:00Z"}),
        ("second-convocation/", {}),
        ("agenda-items/", {"title": "Ajout"}),
        ("transitions/close/", {}),
        ("transitions/nope/", {}),
    ]
    for path, data in cases:
        r = post(client, f"{base}/{path}", data)
        assert 400 <= r.status_code < 500, (path, data, r.status_code, r.content)
        assert r.json().get("code"), (path, data, r.content)
    assert client.get("/api/v1/meetings/999999/").status_code == 404


def test_interests_proxies_and_votes_over_the_api(client, board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    client.force_login(board.secretary)
    base = f"/api/v1/meetings/{meeting.pk}"
    item = meeting.items.get()
    r = post(client, f"{base}/interests/", {"item": item.pk, "person": board.board[2].pk})
    assert r.status_code == 200
    r = post(client, f"{base}/proxies/", {"giver": board.board[5].pk, "holder": board.board[0].pk})
    assert r.status_code == 200 and r.json()["proxies"] == {
        str(board.board[5].pk): board.board[0].pk
    }
    r = post(client, f"{base}/proxies/withdraw/", {"giver": board.board[5].pk})
    assert r.status_code == 200 and r.json()["proxies"] == {}
    r = post(
        client,
        f"{base}/attendance-sheet/",
        {"statuses": {str(p.pk): "present" for p in board.members}},
    )
    assert r.status_code == 200
    assert post(client, f"{base}/transitions/start_session/").status_code == 200
    r = post(
        client, f"{base}/votes/", {"item": item.pk, "voter": board.board[2].pk, "choice": "for"}
    )
    assert r.status_code == 400 and r.json()["code"] == "conflict_of_interest"
    r = post(
        client,
        f"{base}/votes/",
        {"item": item.pk, "voter": board.board[1].pk, "choice": "not_voting"},
    )
    assert r.status_code == 200


def test_the_schema_is_warning_free(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
