import pytest

from governance.programmes.models import Programme, ProgrammeState
from tests.decisions import board_adopts
from tests.programmes.conftest import QUARTER, TODAY

pytestmark = pytest.mark.django_db


def payload(world):
    return {
        "arml": world.arml.pk,
        "title": "PRA API",
        "start_year": TODAY.year,
        "end_year": TODAY.year + 1,
        "actions": [
            {
                "function": 1,
                "title": "Animer",
                "objective": "Réunir.",
                "lead_ml": world.ml.pk,
                "targets": [{"indicator": "PRA-T-01", "target": "40"}],
                "budget": [
                    {"funder": world.state.pk, "amount": "100.10"},
                    {"funder": world.region.pk, "amount": "0.05"},
                ],
            },
            {"function": 4, "title": "Partenariats", "objective": "Conventions.", "budget": []},
        ],
    }


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_api_creates_a_programme_with_its_actions_and_totals(client, world):
    client.force_login(world.director)
    created = post(client, "/api/v1/programmes/", payload(world))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["reference"].startswith("PRA-")
    assert [a["function"] for a in body["actions"]] == [1, 4]
    assert body["actions"][0]["budget_total"] == "100.15"
    assert body["actions"][0]["targets"] == [{"indicator": "PRA-T-01", "target": "40.00"}]
    assert body["totals"] == {
        "by_function": {"1": "100.15", "2": "0.00", "3": "0.00", "4": "0.00", "5": "0.00"},
        "by_funder": {str(world.state.pk): "100.10", str(world.region.pk): "0.05"},
        "total": "100.15",
    }
    listing = client.get("/api/v1/programmes/").json()
    assert listing["count"] == 1 and "actions" not in listing["results"][0]


def test_the_api_refuses_bad_content_and_foreign_armls(client, world):
    client.force_login(world.director)
    bad = payload(world)
    bad["actions"][0]["budget"][0]["amount"] = "-3"
    response = post(client, "/api/v1/programmes/", bad)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    foreign = dict(payload(world), arml=world.other_arml.pk)
    # Another ARML is out of the director's scope: refused like an unknown id (issue 13.5).
    refused = post(client, "/api/v1/programmes/", foreign)
    assert refused.status_code == 400 and "arml" in refused.json()["errors"]
    client.force_login(world.state_officer)
    denied = post(client, "/api/v1/programmes/", payload(world))
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    assert not Programme.objects.exists()


def test_the_uniform_transitions_and_history(client, world):
    programme = world.programme()
    client.force_login(world.director)
    options = {
        o["name"]: o for o in client.get(f"/api/v1/programmes/{programme.pk}/transitions/").json()
    }
    assert options["submit"]["allowed"] is True
    done = post(client, f"/api/v1/programmes/{programme.pk}/transitions/submit/", {})
    assert done.status_code == 200 and done.json()["state"] == "in_consultation"
    refused = post(client, f"/api/v1/programmes/{programme.pk}/transitions/return_to_draft/", {})
    assert refused.status_code == 400 and refused.json()["code"] == "comment_required"
    client.force_login(world.president)
    unmet = post(client, f"/api/v1/programmes/{programme.pk}/transitions/validate/", {})
    assert unmet.status_code == 409 and unmet.json()["code"] == "deliberation_required"
    board_adopts(world.fresh(programme))
    ok = post(client, f"/api/v1/programmes/{programme.pk}/transitions/validate/", {})
    assert ok.json()["state"] == ProgrammeState.VALIDATED
    history = client.get(f"/api/v1/programmes/{programme.pk}/history/").json()
    assert [e["action"] for e in history][:2] == ["programme.created", "programme.submitted"]


def test_opinions_marks_and_progress_refuse_the_wrong_state_with_json(client, world):
    programme = world.programme()
    action = programme.actions.order_by("pk").first()
    client.force_login(world.state_officer)
    url = f"/api/v1/programmes/{programme.pk}"
    early = post(client, f"{url}/opinions/", {"action": action.pk, "text": "Tôt"})
    assert early.status_code == 409
    assert set(early.json()) == {"code", "detail"} and early.json()["code"] == "invalid_state"
    programme = world.fresh(programme)
    from workflows.engine import perform

    perform(programme, "submit", actor=world.director)
    said = post(client, f"{url}/opinions/", {"action": action.pk, "text": "Prioritaire"})
    assert said.status_code == 201 and said.json()["funder"] == world.state.pk
    marked = post(client, f"{url}/funding-marks/", {"action": action.pk, "funds": True})
    assert marked.status_code == 201 and marked.json()["funds"] is True
    wrong = post(
        client,
        f"{url}/funding-marks/",
        {"action": action.pk, "funds": True, "funder": world.region.pk},
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "permission_denied"
    unknown = post(client, f"{url}/opinions/", {"action": 999999, "text": "?"})
    assert unknown.status_code == 400
    detail = client.get(f"{url}/").json()
    first = detail["actions"][0]
    assert first["funding_marks"] == {str(world.state.pk): True}
    assert first["opinions"][0]["text"] == "Prioritaire"
    client.force_login(world.staff)
    progress = {
        "action": action.pk,
        "year": TODAY.year,
        "quarter": QUARTER,
        "status": "on_track",
        "percent_done": 10,
        "measurements": {"PRA-T-01": "4"},
    }
    early = post(client, f"{url}/progress/", progress)
    assert early.status_code == 409 and early.json()["code"] == "invalid_state"


def test_progress_through_the_api_in_execution(client, world):
    programme = world.in_execution()
    action = programme.actions.get(title__startswith="Animer")
    client.force_login(world.director)
    url = f"/api/v1/programmes/{programme.pk}/progress/"
    body = {
        "action": action.pk,
        "year": TODAY.year,
        "quarter": QUARTER,
        "status": "on_track",
        "percent_done": 50,
        "measurements": {"PRA-T-01": "20"},
        "comment": "À mi-parcours.",
    }
    done = post(client, url, body)
    assert done.status_code == 201, done.content
    assert done.json()["measurements"] == {"PRA-T-01": "20"}
    bad = post(client, url, dict(body, measurements={"ZZZ": "1"}))
    assert bad.status_code == 400 and "measurements" in str(bad.json()["detail"])
    detail = client.get(f"/api/v1/programmes/{programme.pk}/").json()
    assert detail["actions"][0]["progress"][0]["percent_done"] == 50
