"""(b) A management dialogue concluding into an amendment, adopted and countersigned.

The ARML's director prepares and transmits the 2027 dialogue file; the State records the
meeting once it is held (not before), drafts and proposes the conclusions; the president, the
State and the Region accept them, which concludes the dialogue and opens a draft amendment of
the CPOM in force with the concluded lines; the board adopts it on its day; the president signs
it, the State and the Region countersign. The dashboard shows the year."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.scenarios.helpers import (
    at,
    board_decides,
    cpom_in_force,
    documents_verified,
    get,
    ledger_verified,
    page,
    post,
    refused,
    sign,
    subject_key,
)

pytestmark = pytest.mark.django_db

DIALOGUE_DAY = dt.date(2026, 9, 15)


def test_a_management_dialogue_concludes_into_an_amendment(world):
    conv = cpom_in_force(world)
    director = world.as_(world.director)
    state_officer = world.as_(world.state)
    dialogue = post(
        director,
        "/api/v1/dialogues/",
        {"arml": world.arml.pk, "year": 2027, "meeting_date": DIALOGUE_DAY.isoformat()},
        status=201,
    )
    url = f"/api/v1/dialogues/{dialogue['id']}/"
    post(
        director,
        url + "file/",
        {
            "financial_report": "Comptes 2025 certifiés.",
            "actions_report": "Plan régional de formation réalisé à 90 %.",
        },
    )
    sign(director, url + "transitions/transmit_file/")

    meeting = {
        "held_on": DIALOGUE_DAY.isoformat(),
        "place": "DREETS, Toulouse",
        "participants": "DREETS, Région, ARML",
    }
    # Not recorded before it is held.
    body = refused(
        state_officer,
        url + "transitions/record_meeting/",
        "invalid_data",
        status=400,
        data={"comment": "", "data": meeting},
    )
    assert "avant" in str(body).lower()
    world.travel(at(DIALOGUE_DAY, 17))
    sign(state_officer, url + "transitions/record_meeting/", data=meeting)
    state, region = world.state_funder, world.region_funder
    post(
        state_officer,
        url + "conclusions/",
        {
            "objectives": "Renforcer l'accompagnement vers la mobilité.",
            "lines": [
                {"funder": state, "function": 1, "amount": "160000.00"},
                {"funder": region, "function": 2, "amount": "90000.00"},
            ],
        },
    )
    sign(state_officer, url + "transitions/propose_conclusions/")
    world.travel(at(DIALOGUE_DAY + dt.timedelta(days=5), 10))
    for who in (world.president, world.state, world.region):
        sign(world.as_(who), url + "transitions/accept/")
    concluded = get(director, url)
    assert concluded["state"] == "concluded" and concluded["amendment"], concluded

    amendment_id = concluded["amendment"]
    amendment = get(director, f"/api/v1/amendments/{amendment_id}/")
    assert amendment["state"] == "draft" and amendment["year"] == 2027
    assert {li["amount"] for li in amendment["lines"]} == {"160000.00", "90000.00"}

    board_decides(
        world,
        dt.date(2026, 10, 13),
        "Avenant issu du dialogue de gestion 2027",
        subject_key("amendment", amendment_id),
    )
    president = world.as_(world.president)
    a_url = f"/api/v1/amendments/{amendment_id}/transitions/"
    sign(president, a_url + "adopt/")
    sign(president, a_url + "sign/")
    sign(world.as_(world.state), a_url + "countersign/")
    sign(world.as_(world.region), a_url + "countersign/")
    assert get(director, f"/api/v1/amendments/{amendment_id}/")["state"] == "in_force"
    assert get(director, f"/api/v1/conventions/{conv['id']}/")["state"] == "in_force"

    dashboard = page(director, "/tableau-de-bord/")
    assert "2027" in dashboard

    assert ledger_verified().startswith("OK:")
    kinds = {r["kind"] for r in documents_verified(president)}
    assert "amendment" in kinds
