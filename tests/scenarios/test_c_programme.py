"""(c) The PRA from draft through the steering committee's consultation to validation by a
board deliberation, then its execution with quarterly progress, and its evaluation.

The ARML's staff drafts it and the director submits it; the State and the Region, who sit on the
steering committee, give their opinions on its actions; the board deliberates on the submitted
version — which the agenda offers (11.5: the subjects derive from the transitions' declarations)
— and the president validates it; the director attaches it to the CPOM in force, starts it,
records each quarter's progress, and issues the evaluation; the president closes it."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.organisations.models import MissionLocale
from tests.scenarios.helpers import (
    at,
    board_decides,
    cpom_in_force,
    documents_verified,
    get,
    ledger_verified,
    post,
    refused,
    sign,
    subject_key,
)

pytestmark = pytest.mark.django_db


def test_the_regional_programme_from_draft_to_evaluation(world):
    cpom_in_force(world)
    staff, director = world.as_(world.staff), world.as_(world.director)
    toulouse = MissionLocale.objects.get(name="Mission Locale de Toulouse").pk
    programme = post(
        staff,
        "/api/v1/programmes/",
        {
            "arml": world.arml.pk,
            "title": "Programme régional d'actions 2026-2028",
            "start_year": 2026,
            "end_year": 2028,
            "actions": [
                {
                    "function": 2,
                    "title": "Formation des conseillers",
                    "objective": "Former 200 conseillers au CEJ.",
                    "lead_ml": toulouse,
                    "budget": [{"funder": world.region_funder, "amount": "40000.00"}],
                },
                {
                    "function": 1,
                    "title": "Animation du réseau",
                    "objective": "Quatre rencontres régionales par an.",
                    "budget": [{"funder": world.state_funder, "amount": "25000.00"}],
                },
            ],
        },
        status=201,
    )
    url = f"/api/v1/programmes/{programme['id']}/"
    sign(director, url + "transitions/submit/")
    actions = get(director, url)["actions"]
    # The steering committee's consultation: each funder's officer gives an opinion.
    for officer in (world.state, world.region):
        post(
            world.as_(officer),
            url + "opinions/",
            {"action": actions[0]["id"], "text": "Avis favorable, sous réserve des effectifs."},
            status=201,
        )

    president = world.as_(world.president)
    refused(president, url + "transitions/validate/", "deliberation_required", status=409)
    # 11.5: the programme in consultation is a subject the board's agenda offers.
    board_decides(
        world,
        dt.date(2026, 3, 24),
        "Validation du programme régional d'actions",
        subject_key("programme", programme["id"]),
    )
    sign(president, url + "transitions/validate/")
    sign(director, url + "transitions/contract/")
    sign(director, url + "transitions/start_execution/")
    quarters = (
        (2, 30, dt.date(2026, 7, 3)),
        (3, 60, dt.date(2026, 10, 2)),
        (4, 100, dt.date(2026, 12, 28)),
    )
    for quarter, percent, day in quarters:  # each quarter's report, at its end
        world.travel(at(day, 10))
        post(
            staff,
            url + "progress/",
            {
                "action": actions[0]["id"],
                "year": 2026,
                "quarter": quarter,
                "status": "on_track" if percent < 100 else "done",
                "percent_done": percent,
                "comment": f"Trimestre {quarter}.",
            },
            status=201,
        )
    sign(director, url + "transitions/evaluate/", comment="Objectifs atteints à 95 %.")
    sign(president, url + "transitions/close/")
    assert get(director, url)["state"] == "closed"

    assert ledger_verified().startswith("OK:")
    kinds = {r["kind"] for r in documents_verified(president)}
    assert "programme" in kinds
