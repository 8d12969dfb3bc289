"""(f) An amendment refused by the Region, revised and re-signed.

The ARML's board adopts amendment n°1 to the CPOM in force; the president signs it; the State
countersigns, the Region refuses. The same amendment comes back as its version 2 (11.9: never
renumbered), with the diff of its lines against the refused version; while it is pending the
convention marks the year "avenant en renégociation". A new board deliberation on v2 (the one on
v1 does not count), a new signature, both countersignatures: in force."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.scenarios.helpers import (
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


def test_an_amendment_refused_by_the_region_is_revised_and_signed_again(world):
    conv = cpom_in_force(world)
    director, president = world.as_(world.director), world.as_(world.president)
    state, region = world.state_funder, world.region_funder
    amendment = post(
        director,
        "/api/v1/amendments/",
        {
            "convention": conv["id"],
            "year": 2027,
            "changes": "Hausse de la part régionale pour la mobilité.",
            "lines": [
                {"funder": state, "function": 1, "amount": "150000.00"},
                {"funder": region, "function": 2, "amount": "120000.00"},
            ],
        },
        status=201,
    )
    url = f"/api/v1/amendments/{amendment['id']}/transitions/"
    assert amendment["number"] == 1 and amendment["content_version"] == 1

    board_decides(
        world, dt.date(2026, 4, 7), "Avenant n°1", subject_key("amendment", amendment["id"])
    )
    sign(president, url + "adopt/")
    sign(president, url + "sign/")
    sign(world.as_(world.state), url + "countersign/")
    world.travel(dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC))
    sign(world.as_(world.region), url + "refuse/", comment="Montant régional trop élevé.")

    refused_one = get(director, f"/api/v1/amendments/{amendment['id']}/")
    assert refused_one["state"] == "draft"
    # Still n°1: the refused content reopened as its version 2, to revise.
    assert refused_one["number"] == 1 and refused_one["content_version"] == 2
    assert refused_one["refused_version"] == 1
    assert get(director, f"/api/v1/conventions/{conv['id']}/")["renegotiating_years"]
    assert "avenant en renégociation" in page(director, f"/conventions/{conv['id']}/").lower()

    post(
        director,
        f"/api/v1/amendments/{amendment['id']}/content/",
        {
            "changes": "Hausse de la part régionale ramenée à 105 000 €.",
            "lines": [
                {"funder": state, "function": 1, "amount": "150000.00"},
                {"funder": region, "function": 2, "amount": "105000.00"},
            ],
        },
        status=201,
    )
    revised = get(director, f"/api/v1/amendments/{amendment['id']}/")
    to = revised["content_version"]
    diff = get(director, f"/api/v1/amendments/{amendment['id']}/diff/?from=1&to={to}")
    changed = [c for sec in diff["sections"] for c in sec["changes"] if c["kind"] == "changed"]
    assert [c["delta"] for c in changed if c["delta"]] == ["-15000.00"], diff

    # The deliberation on v1 does not adopt the revised version.
    refused(president, url + "adopt/", "deliberation_required", status=409)
    board_decides(
        world, dt.date(2026, 5, 12), "Avenant n°1 révisé", subject_key("amendment", amendment["id"])
    )
    sign(president, url + "adopt/")
    sign(president, url + "sign/")
    sign(world.as_(world.state), url + "countersign/")
    sign(world.as_(world.region), url + "countersign/")
    final = get(director, f"/api/v1/amendments/{amendment['id']}/")
    assert final["state"] == "in_force" and final["number"] == 1

    assert ledger_verified().startswith("OK:")
    kinds = {r["kind"] for r in documents_verified(president)}
    assert "amendment" in kinds
