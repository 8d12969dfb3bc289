"""(e) An action plan above the ARML's threshold, whose author chairs the technical committee,
approved on a deliberation.

The committee's chair drafts a plan for his own Mission Locale: he may not give the committee's
opinion on it, neither himself nor through a delegation (11.6), so the step goes to the
committee's vice-chair, whose inbox shows it. Who may act follows the body (11.7): the
committee's chair convenes the committee, the president the bureau; this ARML has its bureau
approve plans above 30 000 € and its secretary issue the bureau's extracts."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.organisations.models import MissionLocale
from tests.scenarios.helpers import (
    Meeting,
    at,
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

BUREAU_DAY = dt.date(2026, 3, 16)


def ml(name: str) -> int:
    return MissionLocale.objects.get(name=name).pk


def test_an_action_plan_above_the_threshold_by_the_committee_chair(world):
    chair = world.as_(world.chair)
    plan = post(
        chair,
        "/api/v1/action-plans/",
        {
            "title": "Plateforme régionale de mobilité",
            "summary": "Location de deux-roues pour les jeunes en parcours.",
            "budget": "48000.00",
            "mission_locale": ml("Mission Locale de Toulouse"),
            "beneficiaries": [
                ml("Mission Locale de Toulouse"),
                ml("Mission Locale du Pays Narbonnais"),
            ],
        },
        status=201,
    )
    url = f"/api/v1/action-plans/{plan['id']}/transitions/"
    sign(chair, url + "propose/")
    sign(world.as_(world.staff), url + "start_review/")

    opinion = {"comment": "Avis du comité.", "data": {"opinion": "favourable"}}
    # 11.6: the author, who chairs the committee, does not give its opinion on his own plan…
    refused(chair, url + "give_opinion/", "self_approval", data=opinion)
    # …nor through a delegation: the staff member he delegates the step to is refused too.
    today = dt.date(2026, 1, 5)
    page(
        chair,
        "/delegations/",
        {
            "arml": world.arml.pk,
            "delegate": world.pk(world.staff),
            "transitions": ["action_plan.give_opinion"],
            "start": today.isoformat(),
            "end": (today + dt.timedelta(days=60)).isoformat(),
            "reason": "Congés du président du comité",
        },
    )
    refused(world.as_(world.staff), url + "give_opinion/", "self_approval", data=opinion)
    # The vice-chair acts where the chair is excluded: her inbox shows the step.
    vice = world.as_(world.vice_chair)
    assert "Plateforme régionale de mobilité" in page(vice, "/")
    sign(vice, url + "give_opinion/", comment="Avis favorable du comité.", data=opinion["data"])

    # Above 30 000 €, the president approves only on a deliberation of the bureau (this ARML's
    # choice, set at onboarding).
    president = world.as_(world.president)
    refused(president, url + "approve/", "deliberation_required", status=409)

    # 11.7: the committee's chair plans and convenes the committee; the president does not.
    committee = Meeting(
        world, "CT", at(dt.date(2026, 3, 2), 10), [{"title": "Point sur les plans d'action"}]
    )
    refused(
        president,
        "/api/v1/meetings/",
        "role_required",
        data={
            "body": world.body("CT"),
            "starts_at": committee.when.isoformat(),
            "place": "Toulouse",
            "items": committee.items,
        },
    )
    committee.plan(world.chair)
    committee.convene(world.chair)

    bureau = Meeting(
        world,
        "BUR",
        at(BUREAU_DAY, 18),
        [
            {
                "title": "Approbation du plan « Plateforme régionale de mobilité »",
                "subject": subject_key("actionplan", plan["id"]),
            }
        ],
    )
    refused(
        chair,
        "/api/v1/meetings/",
        "role_required",
        data={
            "body": world.body("BUR"),
            "starts_at": bureau.when.isoformat(),
            "place": "Toulouse",
            "items": [],
        },
    )
    bureau.plan(world.president)
    bureau.convene(world.president)
    assert bureau.receipts() == 3

    world.travel(at(BUREAU_DAY, 17, 30))
    held = bureau.hold()
    assert held["state"] == "in_session"
    bureau.close(world.president)
    world.travel(at(BUREAU_DAY + dt.timedelta(days=2), 9))
    bureau.countersign()
    (deliberation,) = bureau.deliberations()
    assert deliberation["body_kind"] == "BUR" and deliberation["adopted"]

    sign(president, url + "approve/")
    sign(chair, url + "start/")
    assert get(chair, f"/api/v1/action-plans/{plan['id']}/")["state"] == "in_progress"

    # The bureau's rules name the secretary to issue its certified extracts.
    extract = post(chair, f"/api/v1/deliberations/{deliberation['id']}/extracts/", status=201)
    extract_url = f"/api/v1/extract-requests/{extract['id']}/transitions/issue/"
    assert "Secrétaire" in refused(president, extract_url, "role_required")["detail"]
    sign(world.as_(world.secretary), extract_url)

    assert ledger_verified().startswith("OK:")
    kinds = {r["kind"] for r in documents_verified(president)}
    assert {"minutes", "extract", "action_plan"} <= kinds
