"""(a) A CPOM from draft to in force, adopted by the board in a real meeting.

The director drafts it over the API; the State and the Region agree on the version, which
freezes it; the president convenes the board for 10 February; the meeting is held on its day
(not before: issue 11.1), every voice recorded before it closes (11.2); the secretary
countersigns the minutes days later; the president adopts and signs the CPOM; the State and the
Region countersign; it is in force. The ledger and every PDF verify."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.documents.pdftext import extract_text
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

MEETING_DAY = dt.date(2026, 2, 10)


def cpom_payload(world):
    state, region = world.state_funder, world.region_funder
    return {
        "arml": world.arml.pk,
        "title": "CPOM 2026-2028 de l'ARML Occitanie",
        "start_year": 2026,
        "end_year": 2028,
        "parties": [state, region],
        "objectives": {"1": "Accompagner les Missions Locales dans le CEJ."},
        "funding_lines": [
            {"year": y, "funder": f, "function": fn, "amount": amount}
            for y in (2026, 2027, 2028)
            for f, fn, amount in ((state, 1, "150000.00"), (region, 2, "90000.00"))
        ],
        "targets": [{"indicator": "ARML-F2-01", "year": 2026, "target": "400"}],
    }


def pdf_text(client, document_version_id: int) -> str:
    response = client.get(f"/api/v1/document-versions/{document_version_id}/content/")
    data = b"".join(response.streaming_content)
    return " ".join(extract_text(data).replace("\u00a0", " ").split())


def test_a_cpom_from_draft_to_in_force(world):
    director = world.as_(world.director)
    conv = post(director, "/api/v1/conventions/", cpom_payload(world), status=201)
    url = f"/api/v1/conventions/{conv['id']}/transitions/"
    for name in ("submit_for_consultation", "open_negotiation", "request_agreement"):
        sign(director, url + name + "/")
    for officer in (world.state, world.region):  # their agreement on v1 freezes it
        sign(world.as_(officer), url + "agree/")
    assert get(director, f"/api/v1/conventions/{conv['id']}/")["state"] == "frozen"

    president = world.as_(world.president)
    # No adoption without the board's deliberation on this exact version.
    refused(president, url + "adopt/", "deliberation_required", status=409)

    board = Meeting(
        world,
        "CA",
        at(MEETING_DAY, 14),
        [{"title": "Adoption du CPOM 2026-2028", "subject": subject_key("convention", conv["id"])}],
    )
    board.plan(world.president)
    board.convene(world.president)
    assert board.receipts() == 5  # every member followed the link of their e-mail

    # 11.1: the secretary cannot open it before its day (the refusal gives the date).
    body = refused(world.as_(world.secretary), board.t("open"), "meeting_not_yet", status=409)
    assert "10 février 2026" in body["detail"]

    world.travel(at(MEETING_DAY, 13, 30))
    secretary = world.as_(world.secretary)
    sign(secretary, board.t("open"))
    members = [str(pk) for pk in board.members()]
    post(
        secretary, f"{board.url}attendance-sheet/", {"statuses": dict.fromkeys(members, "present")}
    )
    sign(secretary, board.t("start_session"))
    item = board.state()["items"][0]
    for pk in members[:3]:  # 11.2: three voices of five recorded
        post(
            secretary, f"{board.url}votes/", {"item": item["id"], "voter": int(pk), "choice": "for"}
        )
    body = refused(president, board.t("close"), "votes_incomplete", status=409)
    assert "Sandrine Roux, Denis Soulier" in body["detail"]  # the missing voices, named
    assert "vote en cours (3 voix sur 5)" in page(president, f"/seances/{board.id}/")
    for pk in members[3:]:
        post(
            secretary, f"{board.url}votes/", {"item": item["id"], "voter": int(pk), "choice": "for"}
        )
    board.close(world.president)
    world.travel(at(MEETING_DAY + dt.timedelta(days=3), 10))
    board.countersign()
    (deliberation,) = board.deliberations()
    assert deliberation["adopted"] and deliberation["final"]

    # The minutes are dated and placed from the meeting, not from the signature.
    minutes = [
        d
        for d in get(secretary, "/api/v1/documents/?limit=500")["results"]
        if d["kind"] == "minutes"
    ]
    latest = max(minutes[-1]["versions"], key=lambda v: v["n"])
    text = pdf_text(secretary, latest["id"])
    assert "Fait à Siège de l'ARML, Toulouse, le 10 février 2026" in text

    sign(president, url + "adopt/")
    # Signing asks for the second factor: days later, in a new session, without the code of
    # her app, the president's signature is refused and the refusal is in the ledger…
    body = refused(president, url + "sign/", "second_factor_required")
    assert "code à 6 chiffres" in body["detail"]
    history = get(president, f"/api/v1/conventions/{conv['id']}/history/")
    attempts = [e for e in history if e["action"] == "convention.refused_attempt"]
    assert [(e["data"]["refusal"]["transition"], e["data"]["refusal"]["code"]) for e in attempts][
        -1
    ] == ("sign", "second_factor_required")
    assert attempts[-1]["actor"] == world.pk(world.president)
    # …with it, she signs, and the event says which factor confirmed the signature.
    seq = sign(president, url + "sign/")["event_seq"]
    history = get(president, f"/api/v1/conventions/{conv['id']}/history/")
    (signed,) = [e for e in history if e["seq"] == seq]
    assert signed["data"]["second_factor"]["kind"] == "totp"
    sign(world.as_(world.state), url + "countersign/")
    sign(world.as_(world.region), url + "countersign/")
    assert get(director, f"/api/v1/conventions/{conv['id']}/")["state"] == "in_force"

    # A certified extract of the deliberation, issued by whom the board's rules name.
    extract = post(
        world.as_(world.director),
        f"/api/v1/deliberations/{deliberation['id']}/extracts/",
        status=201,
    )
    sign(president, f"/api/v1/extract-requests/{extract['id']}/transitions/issue/")

    assert ledger_verified().startswith("OK:")
    reports = documents_verified(world.as_(world.president))
    assert {"minutes", "convocation"} <= {r["kind"] for r in reports}
