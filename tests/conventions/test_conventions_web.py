import pytest
from django.urls import reverse

from governance.conventions.models import Convention, ConventionState
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def test_the_director_drafts_a_convention_from_the_browser(client, world):
    client.force_login(world.director)
    page = client.get(reverse("governance:convention_create"))
    assert page.status_code == 200 and "Plan de financement" in page.content.decode()
    data = {
        "title": "CPOM 2026-2028",
        "start_year": "2026",
        "end_year": "2028",
        "parties": [world.state.pk, world.region.pk],
        "objective_1": "Accompagner.",
        f"amount-2026-{world.state.pk}-1": "100000,50",
        f"amount-2027-{world.region.pk}-2": "2500",
        f"target-{world.indicator.pk}-2026": "15000",
    }
    response = client.post(reverse("governance:convention_create"), data)
    conv = Convention.objects.get()
    assert response.status_code == 302 and response["Location"] == conv.get_absolute_url()
    assert conv.content.funding_lines.count() == 2
    html = client.get(conv.get_absolute_url()).content.decode()
    assert "100\xa0000,50" in html
    assert "Soumettre à la consultation" in html


def test_a_bad_amount_is_a_form_error_and_nothing_is_saved(client, world):
    client.force_login(world.director)
    response = client.post(
        reverse("governance:convention_create"),
        {
            "title": "X",
            "start_year": "2026",
            "end_year": "2026",
            "parties": [world.state.pk, world.region.pk],
            f"amount-2026-{world.state.pk}-1": "douze",
        },
    )
    assert response.status_code == 200 and "douze" in response.content.decode()
    assert not Convention.objects.exists()


def test_the_officers_countersign_from_the_page_and_see_it_in_their_inbox(client, world):
    conv = world.awaiting()
    client.force_login(world.state_officer)
    home = client.get("/").content.decode()
    assert conv.reference() in home
    response = client.post(
        reverse("governance:convention_transition", args=[conv.pk, "countersign"]), follow=True
    )
    assert response.status_code == 200
    assert "Fait" in response.content.decode()
    client.force_login(world.region_officer)
    client.post(reverse("governance:convention_transition", args=[conv.pk, "countersign"]))
    assert world.fresh(conv).state == ConventionState.IN_FORCE
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "vérifié" in page


def test_the_api_exposes_totals_and_the_uniform_transitions(client, world):
    conv = world.frozen()
    client.force_login(world.director)
    data = client.get(f"/api/v1/conventions/{conv.pk}/").json()
    assert data["totals"]["total"] == "765002.25"
    assert data["content"]["sha256"] == conv.frozen_hash
    options = {
        o["name"]: o for o in client.get(f"/api/v1/conventions/{conv.pk}/transitions/").json()
    }
    assert options["adopt"]["allowed"] is False  # director: not their role
    history = client.get(f"/api/v1/conventions/{conv.pk}/history/").json()
    assert [e["action"] for e in history][:1] == ["convention.created"]


def test_the_api_creates_a_convention_and_refuses_bad_content(client, world):
    client.force_login(world.director)
    payload = {
        "arml": world.arml.pk,
        "title": "CPOM API",
        "start_year": 2026,
        "end_year": 2027,
        "parties": [world.state.pk, world.region.pk],
        "funding_lines": [
            {"year": 2026, "funder": world.state.pk, "function": 1, "amount": "10.50"}
        ],
        "targets": [{"indicator": "ICN-01", "year": 2026, "target": "100"}],
    }
    created = client.post("/api/v1/conventions/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    bad = dict(
        payload,
        funding_lines=[{"year": 2031, "funder": world.state.pk, "function": 1, "amount": "1.00"}],
    )
    refused = client.post("/api/v1/conventions/", bad, content_type="application/json")
    assert refused.status_code == 400
    assert Convention.objects.count() == 1


def test_a_countersign_via_the_api_by_the_wrong_officer_is_refused_with_json(client, world):
    conv = world.awaiting()
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    client.force_login(world.state_officer)
    response = client.post(
        f"/api/v1/conventions/{conv.pk}/transitions/countersign/",
        {},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "circuit_task_required"


def test_the_signature_panel_reuses_a_recent_verification(client, world, monkeypatch):
    from documents import verification

    conv = world.awaiting()
    calls = []
    real = verification.verify
    monkeypatch.setattr(verification, "verify", lambda v: calls.append(v.pk) or real(v))
    client.force_login(world.auditor)
    for _ in range(3):
        assert "vérifié" in client.get(conv.get_absolute_url()).content.decode()
    assert len(calls) == 1  # one full check for three page views of the same bytes
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    client.get(conv.get_absolute_url())
    assert len(calls) == 2 and calls[0] != calls[1]  # a new version is checked afresh
