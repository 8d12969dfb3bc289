"""(d) A general assembly without quorum, its lapse, the second convocation and its
deliberations.

One member of five comes: the president records the lapse and signs its minutes, the secretary
countersigns them (11.4); the second convocation carries exactly the lapsed agenda — an item
added to it is refused (11.3) — and is held without quorum; a third proxy to one holder is
refused and ledgered with its code (11.8)."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.models import AuditEvent
from tests.scenarios.helpers import (
    Meeting,
    at,
    documents_verified,
    get,
    ledger_verified,
    post,
    refused,
    sign,
)

pytestmark = pytest.mark.django_db

FIRST_DAY = dt.date(2026, 6, 4)
SECOND_DAY = dt.date(2026, 6, 25)
ITEMS = [
    {"title": "Approbation des comptes 2025"},
    {"title": "Rapport d'activité 2025", "kind": "information"},
]


def test_a_general_assembly_lapses_and_meets_again_on_second_convocation(world):
    president, secretary = world.as_(world.president), world.as_(world.secretary)
    ag = Meeting(world, "AG", at(FIRST_DAY, 17), ITEMS)
    ag.plan(world.president)
    ag.convene(world.president)
    assert ag.receipts() == 5

    world.travel(at(FIRST_DAY, 16, 30))
    held = ag.hold(present=[world.president])
    assert held["quorum"] == {
        "members": 5,
        "present": 1,
        "represented": 0,
        "required": 2,
        "met": False,
    }
    refused(secretary, ag.t("start_session"), "quorum_not_met", status=409)
    sign(president, ag.t("lapse"))
    # 11.4: no second convocation until the secretary countersigned the minutes of lapse.
    second_at = at(SECOND_DAY, 17).isoformat()
    refused(
        president,
        f"{ag.url}second-convocation/",
        "lapse_not_final",
        status=409,
        data={"starts_at": second_at},
    )
    world.travel(at(FIRST_DAY + dt.timedelta(days=1), 10))
    sign(secretary, ag.t("sign_lapse"))
    lapse_minutes = [
        d
        for d in get(president, "/api/v1/documents/?limit=500")["results"]
        if d["kind"] == "minutes" and d["object_id"] == str(ag.id)
    ]
    (document,) = lapse_minutes
    latest = max(document["versions"], key=lambda v: v["n"])
    report = get(president, f"/api/v1/document-versions/{latest['id']}/verify/")
    assert report["ok"] and [s["signer"] for s in report["signatures"]] == [
        "Martine Combes",
        "Julien Fabre",
    ]

    second = post(president, f"{ag.url}second-convocation/", {"starts_at": second_at}, status=201)
    assert second["convocation"] == 2 and [i["title"] for i in second["items"]] == [
        i["title"] for i in ITEMS
    ]
    again = Meeting(world, "AG", at(SECOND_DAY, 17), ITEMS)
    again.id = second["id"]
    # 11.3: the second convocation carries exactly the lapsed agenda.
    refused(
        president,
        f"{again.url}agenda-items/",
        "second_convocation_agenda",
        status=409,
        data={"title": "Modification des cotisations"},
    )
    again.convene(world.president)
    assert again.receipts() == 5

    world.travel(at(SECOND_DAY, 16, 45))
    sign(secretary, again.t("open"))
    present = {world.president, "cgarcia"}
    statuses = {
        str(pk): "present" if world.username_of(pk) in present else "absent"
        for pk in again.members()
    }
    post(secretary, f"{again.url}attendance-sheet/", {"statuses": statuses})
    holder = world.pk(world.president)
    for giver in ("dsoulier", "mcazals"):
        post(secretary, f"{again.url}proxies/", {"giver": world.pk(giver), "holder": holder})
    # 11.8: a third proxy to one holder is refused, with its code, and ledgered.
    refused(
        secretary,
        f"{again.url}proxies/",
        "proxy_cap",
        status=400,
        data={"giver": world.pk("rpuech"), "holder": holder},
    )
    refusal = AuditEvent.objects.filter(action__endswith="refused_attempt").latest("seq")
    assert refusal.data["refusal"]["code"] == "proxy_cap"
    assert refusal.actor_id == world.pk(world.secretary)

    state = again.state()
    assert state["quorum"]["met"]  # no quorum at the second convocation (the body's rules)
    sign(secretary, again.t("start_session"))
    item = next(i for i in again.state()["items"] if i["kind"] != "information")
    for voter in (world.president, "cgarcia", "dsoulier", "mcazals"):
        post(
            secretary,
            f"{again.url}votes/",
            {"item": item["id"], "voter": world.pk(voter), "choice": "for"},
        )
    again.close(world.president)
    world.travel(at(SECOND_DAY + dt.timedelta(days=4), 11))
    again.countersign()
    (deliberation,) = again.deliberations()
    assert deliberation["adopted"] and deliberation["final"] and deliberation["votes_for"] == 4

    assert ledger_verified().startswith("OK:")
    documents_verified(president)
