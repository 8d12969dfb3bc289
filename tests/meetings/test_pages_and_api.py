"""Meeting pages (French, plain POST forms) and the API (uniform transitions, records refused
once the meeting is closed)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from governance.meetings.models import Deliberation, ExtractRequest, Meeting, Presence

pytestmark = pytest.mark.django_db


def test_the_president_plans_a_meeting_with_its_agenda_from_the_form(client, board):
    client.force_login(board.president)
    page = client.get(reverse("governance:meeting_create")).content.decode()
    assert "Planifier une séance" in page and 'for="id_points-0-title"' in page
    day = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        reverse("governance:meeting_create"),
        {
            "body": board.ca.pk,
            "starts_at": f"{day:%Y-%m-%d}T14:00",
            "place": "Rennes",
            "video_link": "",
            "points-TOTAL_FORMS": "4",
            "points-INITIAL_FORMS": "0",
            "points-0-title": "Budget 2027",
            "points-0-kind": "deliberation",
            "points-1-title": "Point réseau",
            "points-1-kind": "information",
            "points-2-kind": "deliberation",
            "points-3-kind": "deliberation",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert [i.title for i in meeting.items.all()] == ["Budget 2027", "Point réseau"]


def test_only_presidents_may_plan(client, board):
    client.force_login(board.board[0])
    assert client.get(reverse("governance:meeting_create")).status_code == 403


def test_a_meeting_is_run_from_its_page(client, board):
    meeting = board.step(board.plan(), "convene")
    board.to_meeting(meeting)  # the meeting's day (a session would not outlive the journey)
    client.force_login(board.secretary)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Convocations" in page and "Ordre du jour" in page and "<svg" in page
    client.post(reverse("governance:meeting_transition", args=[meeting.pk, "open"]))
    data = {f"presence_{p.pk}": "present" for p in board.members[:3]}
    data[f"presence_{board.board[3].pk}"] = "remote"
    data |= {f"presence_{p.pk}": "absent" for p in (board.board[2], board.board[4], board.board[5])}
    response = client.post(
        reverse("governance:meeting_attendance", args=[meeting.pk]), data, follow=True
    )
    html = response.content.decode()
    assert "Feuille de présence" in html and "Quorum atteint" in html
    response = client.post(
        reverse("governance:meeting_proxy_add", args=[meeting.pk]),
        {"giver": board.board[1].pk, "holder": board.president.pk},
        follow=True,
    )
    assert "Procuration enregistrée" in response.content.decode()
    response = client.post(
        reverse("governance:meeting_proxy_add", args=[meeting.pk]),
        {"giver": board.board[4].pk, "holder": board.president.pk},
        follow=True,
    )
    assert "au plus 1 par mandataire" in response.content.decode()  # the cap, as a message
    client.post(reverse("governance:meeting_transition", args=[meeting.pk, "start_session"]))
    meeting.refresh_from_db()
    assert meeting.state == "in_session"
    item = meeting.items.get()
    votes = {f"vote_{p.pk}": "for" for p in [*board.members[:3], board.board[3], board.board[1]]}
    response = client.post(
        reverse("governance:meeting_votes", args=[meeting.pk, item.pk]), votes, follow=True
    )
    html = response.content.decode()
    assert "Votes enregistrés" in html and "Adopté" in html
    assert item.votes.get(voter=board.board[1]).cast_by == board.president

    client.force_login(board.president)
    client.post(reverse("governance:meeting_transition", args=[meeting.pk, "close"]))
    meeting.refresh_from_db()
    assert meeting.state == "closed"
    client.force_login(board.secretary)
    response = client.post(
        reverse("governance:meeting_votes", args=[meeting.pk, item.pk]),
        {f"vote_{board.president.pk}": "against"},
        follow=True,
    )
    assert "La séance est close" in response.content.decode()
    assert item.votes.get(voter=board.president).choice == "for"


def test_the_notice_refusal_is_shown_in_french_with_the_dates(client, board):
    meeting = board.plan(days_ahead=10)
    client.force_login(board.president)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "jours francs" in page
    response = client.post(
        reverse("governance:meeting_transition", args=[meeting.pk, "convene"]), follow=True
    )
    html = response.content.decode()
    assert "Trop tard pour convoquer" in html
    assert (timezone.localdate() + dt.timedelta(days=16)).strftime("%d/%m/%Y") in html
    assert AuditEvent.objects.filter(action="meeting.refused_attempt").exists()


def signed_meeting(board):
    meeting = board.in_session()
    board.vote_all(meeting, {p: "for" for p in board.members})
    board.step(meeting, "close")
    return board.step(meeting, "sign_minutes", actor=board.secretary)


def test_the_register_lists_final_deliberations_and_extracts_are_requested_and_issued(
    client, board
):
    meeting = signed_meeting(board)
    deliberation = Deliberation.objects.get(meeting=meeting)
    client.force_login(board.staff)
    assert client.get(reverse("governance:register_home")).status_code == 302
    url = reverse("governance:register", args=[board.arml.pk])
    page = client.get(url, {"instance": "CA", "annee": deliberation.year}).content.decode()
    assert (
        "Registre des délibérations" in page
        and deliberation.number in page
        and "définitive" in page
    )
    assert deliberation.number not in client.get(url, {"instance": "AG"}).content.decode()
    response = client.post(reverse("governance:extract_request", args=[deliberation.pk]))
    extract = ExtractRequest.objects.get()
    assert response["Location"] == extract.get_absolute_url()
    client.force_login(board.president)
    page = client.get(extract.get_absolute_url()).content.decode()
    assert "Délivrer l’extrait certifié" in page or "Délivrer l'extrait certifié" in page
    client.post(reverse("governance:extract_request_transition", args=[extract.pk, "issue"]))
    extract.refresh_from_db()
    assert extract.state == "issued"
    page = client.get(url).content.decode()
    assert "Télécharger" in page


def test_meeting_pages_render_in_french(client, board):
    meeting = signed_meeting(board)
    client.force_login(board.board[0])
    for url in (reverse("governance:meeting_list"), meeting.get_absolute_url()):
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1 and 'lang="fr"' in html
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Procès-verbal signé" in html and "Votes et résultats" in html and "Historique" in html
    assert "Séances" in client.get(reverse("governance:meeting_list")).content.decode()


def test_pages_are_scoped(client, board):
    meeting = board.plan()
    from tests.factories import ArmlFactory, person_with_role

    stranger = person_with_role("president", ArmlFactory())
    client.force_login(stranger)
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_the_api_runs_transitions_and_refuses_records_once_closed(client, board):
    meeting = board.step(board.step(board.plan(), "convene"), "open")
    client.force_login(board.secretary)
    base = f"/api/v1/meetings/{meeting.pk}"
    for person in board.members:
        r = client.post(
            f"{base}/attendance/",
            {"person": person.pk, "status": "present"},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
    assert r.json()["quorum"]["met"] is True
    options = {o["name"]: o for o in client.get(f"{base}/transitions/").json()}
    assert options["start_session"]["allowed"] and not options["lapse"]["allowed"]
    r = client.post(f"{base}/transitions/start_session/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "in_session"
    item = meeting.items.get()
    for person in board.members:
        r = client.post(
            f"{base}/votes/",
            {"item": item.pk, "voter": person.pk, "choice": "for"},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
    client.force_login(board.president)
    assert (
        client.post(f"{base}/transitions/close/", {}, content_type="application/json").status_code
        == 200
    )

    client.force_login(board.secretary)
    r = client.post(
        f"{base}/votes/",
        {"item": item.pk, "voter": board.president.pk, "choice": "against"},
        content_type="application/json",
    )
    assert (
        r.status_code == 409
        and r.json()["code"] == "meeting_closed"
        and "close" in r.json()["detail"]
    )
    r = client.post(
        f"{base}/attendance/",
        {"person": board.president.pk, "status": Presence.ABSENT},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "meeting_closed"
    r = client.post(f"{base}/transitions/sign_minutes/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "minutes_signed"
    history = [e["action"] for e in client.get(f"{base}/history/").json()]
    assert history[-1] == "meeting.minutes_signed" and "meeting.vote_recorded" in history

    deliberation = Deliberation.objects.get()
    listed = client.get("/api/v1/deliberations/", {"body_kind": "CA"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [d["number"] for d in rows] == [deliberation.number] and rows[0]["final"] is True
    r = client.post(
        f"/api/v1/deliberations/{deliberation.pk}/extracts/", {}, content_type="application/json"
    )
    assert r.status_code == 201
    client.force_login(board.president)
    r = client.post(
        f"/api/v1/extract-requests/{r.json()['id']}/transitions/issue/",
        {},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "issued"
