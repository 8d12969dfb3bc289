"""A CPOM year's money, over HTTP only, each step as the person whose act it is (issue 14.3,
14.4, 14.1): the demo (fixtures) leaves the CPOM 2026-2028 signed by the president; the State
and the Region countersign; the treasurer records the State's advance (in two partial payments)
and balance, each with the funder's notice attached; the year ends, the financial report (CRF)
opens, a reminder goes out thirty days before 30 June; the treasurer fills it in, attaches the
approved accounts, signs; the president signs and submits; the State returns it once with a
reason, then accepts the corrected report; the dashboard shows committed, paid and justified;
every document verifies and `manage.py audit verify` is clean.

The calendar moves with time-machine; `deadlines run` is the production timer's command.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.scenarios._money_helpers import (
    EXE,
    PDF,
    as_person,
    ok,
    paris,
    upload,
)
from tests.scenarios.helpers import act

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(paris(2026, 11, 20, 9), tick=False) as traveller:
        call_command("demo", verbosity=0)  # fixtures: the demo ARML, its people, the CPOM
        yield traveller


def money(client: Client, convention_id: int) -> dict:
    return ok(client.get(f"/api/v1/money/{convention_id}/"))


def row(body: dict, year: int, funder_id: int) -> dict:
    return next(r for r in body["rows"] if r["year"] == year and r["funder"] == funder_id)


def test_a_cpom_year_paid_reported_returned_accepted_and_justified(clock, settings):
    settings.ARML_REMINDER_OFFSETS = [30, 7, 1]
    etat, region = as_person("etat"), as_person("region")
    tresorier, presidente = as_person("tresorier"), as_person("presidente")
    directrice = as_person("directrice")

    # -- the CPOM in force (the demo's history has the funders' countersignatures) -------------
    [convention] = ok(directrice.get("/api/v1/conventions/"))["results"]
    cid = convention["id"]
    if convention["state"] != "in_force":
        for officer in (etat, region):
            act(officer, f"/api/v1/conventions/{cid}/transitions/countersign/")
    assert ok(directrice.get(f"/api/v1/conventions/{cid}/"))["state"] == "in_force"

    # -- the schedule derived from the funding lines in force ---------------------------------
    body = money(tresorier, cid)
    state_id = next(r["funder"] for r in body["rows"] if "Préfecture" in r["funder_name"])
    state_2026 = row(body, 2026, state_id)
    assert state_2026["committed"] == "240000.00"
    assert [(s["part"], s["amount"], s["due_on"]) for s in state_2026["schedule"]] == [
        ("advance", "120000.00", "2026-03-31"),
        ("balance", "120000.00", "2026-10-31"),
    ]
    assert state_2026["scheduled"] == "240000.00"  # both instalments due by November
    assert state_2026["paid"] == "0.00"

    # -- payments: the advance in two parts, then the balance, each with its notice ------------
    def pay(part: str, amount: str, reference: str, content: bytes = PDF, who=tresorier):
        return who.post(
            f"/api/v1/money/{cid}/payments/",
            {
                "funder": state_id,
                "year": 2026,
                "part": part,
                "amount": amount,
                "received_on": "2026-11-18",
                "reference": reference,
                "file": upload(f"avis-{reference}.pdf", content),
            },
        )

    refused = pay("advance", "70000.00", "DGFIP-2026-0001", content=EXE)  # a renamed .exe
    assert refused.status_code == 400 and refused.json()["code"] == "attachment_type_refused"
    assert ok(pay("advance", "70000.00", "DGFIP-2026-0001"), 201)["amount"] == "70000.00"
    second = ok(pay("advance", "50000.00", "DGFIP-2026-0002"), 201)
    assert second["evidence"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    # A notice typed in a second time by mistake: a correcting entry takes it back (a negative
    # row pointing at it, with its reason), never an edit; a second correction is refused.
    typo = ok(pay("balance", "1000.00", "DGFIP-2026-0002"), 201)
    url = f"/api/v1/money/{cid}/payments/{typo['id']}/correction/"
    reason = {"reason": "Avis saisi deux fois"}
    taken = ok(tresorier.post(url, reason, content_type="application/json"), 201)
    assert (taken["amount"], taken["reverses"]) == ("-1000.00", typo["id"])
    again = tresorier.post(url, reason, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "payment_already_reversed"
    assert row(money(tresorier, cid), 2026, state_id)["paid"] == "120000.00"
    not_allowed = pay("balance", "1.00", "X", who=as_person("secretaire"))
    assert not_allowed.status_code == 403
    too_much = pay("balance", "120000.01", "DGFIP-2026-0003")
    assert too_much.status_code == 400 and too_much.json()["code"] == "overpayment"
    ok(pay("balance", "120000.00", "DGFIP-2026-0003", who=directrice), 201)
    state_2026 = row(money(tresorier, cid), 2026, state_id)
    assert (state_2026["paid"], state_2026["justified"]) == ("240000.00", "0.00")
    assert [s["status"] for s in state_2026["schedule"]] == ["paid", "paid"]
    page = directrice.get(f"/conventions/{cid}/").content.decode()
    assert "Payé" in page and "240\u00a0000,00" in page.replace("\u202f", "\u00a0")

    # -- the year ends: the CRF opens, a reminder goes out 30 days before 30 June --------------
    clock.move_to(paris(2027, 1, 4, 8))
    call_command("deadlines", "run", verbosity=0)
    tresorier = as_person("tresorier")  # months later: a new session
    reports = ok(tresorier.get("/api/v1/financial-reports/"))["results"]
    crf = next(r for r in reports if r["funder"] == state_id and r["year"] == 2026)
    assert (crf["state"], crf["due_on"]) == ("due", "2027-06-30")
    rid = crf["id"]
    clock.move_to(paris(2027, 5, 31, 9))
    call_command("deadlines", "run", verbosity=0)
    call_command("deadlines", "run", verbosity=0)  # sends what the first run queued
    tresorier = as_person("tresorier")
    inbox = tresorier.get("/notifications/").content.decode()
    assert "Échéance dans 30 jours : Compte rendu financier (CRF) à remettre (2026)" in inbox

    # -- the treasurer fills it in; signing needs the approved accounts -------------------------
    clock.move_to(paris(2027, 6, 2, 10))
    etat, region = as_person("etat"), as_person("region")
    tresorier, presidente = as_person("tresorier"), as_person("presidente")
    directrice = as_person("directrice")
    content = {
        "action_summary": "Animation du réseau des 12 Missions Locales, CEJ, observatoire.",
        "results": "Plan régional de formation réalisé à 95 %.",
        "charges": [
            {"label": "Salaires et charges", "budgeted": "200000.00", "actual": "205000.00"},
            {"label": "Déplacements", "budgeted": "40000.00", "actual": "35000.00"},
        ],
        "income": [],
        "gaps": "",
    }
    ok(tresorier.post(f"/api/v1/financial-reports/{rid}/content/", content, "application/json"))
    sign = f"/api/v1/financial-reports/{rid}/transitions/sign/"
    missing = tresorier.post(sign, {})
    assert missing.status_code == 409 and missing.json()["code"] == "attachment_required"
    accounts = tresorier.post(
        f"/api/v1/financial-reports/{rid}/attachments/",
        {"file": upload("comptes-2026.pdf", PDF), "kind": "approved_accounts"},
    )
    assert accounts.status_code == 201, accounts.content
    act(tresorier, sign)
    act(presidente, f"/api/v1/financial-reports/{rid}/transitions/submit/")

    # -- the State returns it once, with a reason; corrected, signed, submitted, accepted ------
    returned = etat.post(f"/api/v1/financial-reports/{rid}/transitions/return_report/", {})
    assert returned.status_code == 400 and returned.json()["code"] == "comment_required"
    act(
        etat,
        f"/api/v1/financial-reports/{rid}/transitions/return_report/",
        comment="Expliquez l'écart sur les salaires.",
    )
    assert ok(etat.get(f"/api/v1/financial-reports/{rid}/"))["state"] == "returned"
    content["gaps"] = "Revalorisation conventionnelle des salaires (+2,5 %)."
    ok(tresorier.post(f"/api/v1/financial-reports/{rid}/content/", content, "application/json"))
    act(tresorier, sign)
    act(presidente, f"/api/v1/financial-reports/{rid}/transitions/submit/")
    region_try = region.post(f"/api/v1/financial-reports/{rid}/transitions/accept/", {})
    assert region_try.status_code == 403 and region_try.json()["code"] == "not_a_party"
    act(etat, f"/api/v1/financial-reports/{rid}/transitions/accept/")
    report = ok(etat.get(f"/api/v1/financial-reports/{rid}/"))
    assert report["state"] == "accepted" and report["late"] is False

    # -- committed, paid, justified: API, dashboard, export -----------------------------------
    state_2026 = row(money(directrice, cid), 2026, state_id)
    assert (state_2026["committed"], state_2026["paid"], state_2026["justified"]) == (
        "240000.00",
        "240000.00",
        "240000.00",
    )
    arml_id = convention["arml"]
    board = directrice.get(f"/tableau-de-bord/{arml_id}/").content.decode()
    for word in ("Engagé", "Payé", "Justifié"):
        assert word in board
    export = directrice.get(f"/tableau-de-bord/{arml_id}/export/versements.csv")
    assert export.status_code == 200
    csv_text = export.content.decode("utf-8-sig")
    line_2026 = next(line for line in csv_text.splitlines() if line.startswith("2026;Préfecture"))
    assert line_2026.endswith("240000,00;240000,00;240000,00;240000,00")

    # -- the CRF's PDF carries both signatures; every document verifies; the ledger is clean ---
    documents = ok(directrice.get("/api/v1/document-versions/?limit=500"))["results"]
    assert documents
    for version in documents:
        report_ = ok(directrice.get(f"/api/v1/document-versions/{version['id']}/verify/"))
        assert report_["ok"], report_
    crf_pdf = [v for v in documents if v["filename"].startswith("compte-rendu-financier")]
    assert crf_pdf
    signed_fields = {
        s["field"]
        for v in crf_pdf
        for s in ok(directrice.get(f"/api/v1/document-versions/{v['id']}/verify/"))["signatures"]
    }
    assert {"treasurer", "president"} <= signed_fields
    call_command("audit", "verify", verbosity=0)  # exits non-zero on any mismatch


def test_payments_balance_waits_for_last_years_report(clock):
    """2027's balance is scheduled only once 2026's report is accepted (default terms)."""
    etat, region = as_person("etat"), as_person("region")
    directrice = as_person("directrice")
    [convention] = ok(directrice.get("/api/v1/conventions/"))["results"]
    cid = convention["id"]
    if convention["state"] != "in_force":
        for officer in (etat, region):
            act(officer, f"/api/v1/conventions/{cid}/transitions/countersign/")
    clock.move_to(paris(2027, 11, 2, 9))
    body = money(as_person("tresorier"), cid)
    state_id = next(r["funder"] for r in body["rows"] if "Préfecture" in r["funder_name"])
    state_2027 = row(body, 2027, state_id)
    assert [s["condition_met"] for s in state_2027["schedule"]] == [True, False]
    assert Decimal(state_2027["scheduled"]) == Decimal("120000.00")
    assert timezone.localdate() == dt.date(2027, 11, 2)
