"""Issue 14.5, a year of the Missions Locales' dues, through HTTP only, as the persons whose act
it is: the ARML is onboarded from the sample files; the director drafts the 2027 dues; the
general assembly deliberates on them (the schedule is offered on its agenda); the president
adopts them and issues one signed call per Mission Locale; the director records the payments:
Toulouse and Montpellier pay (Montpellier in two instalments), Narbonne pays a part and the
Aveyron nothing; after the due date both are in arrears on the dashboard and the API. Every
document verifies and `audit verify` is clean."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.scenarios._dues_helpers import As, paris, results

pytestmark = pytest.mark.django_db

ONBOARDING = Path(settings.BASE_DIR) / "fixtures" / "onboarding"
YOUNG = {  # young people each Mission Locale accompanied in 2026
    "Mission Locale de Toulouse": 4200,
    "Mission Locale de Montpellier Méditerranée": 3100,
    "Mission Locale du Pays Narbonnais": 900,
    "Mission Locale de l'Aveyron": 650,
}


def test_a_year_of_dues(client, time_machine):
    time_machine.move_to(paris(2027, 1, 4, 9))
    call_command("onboard", str(ONBOARDING), "--apply", stdout=open("/dev/null", "w"))
    director, president = As(client, "pvidal"), As(client, "mcombes", time_machine)
    secretary, staff = As(client, "jfabre", time_machine), As(client, "lmartinez")
    (arml,) = [a for a in results(director.ok("get", "/api/v1/armls/")) if "Occitanie" in a["name"]]

    # 1. The director drafts the 2027 dues: 1 000 € per ML + 0,50 € per young person.
    schedule = director.ok(
        "post",
        "/api/v1/dues-schedules/",
        {
            "arml": arml["id"],
            "year": 2027,
            "base_amount": "1000.00",
            "per_young_amount": "0.50",
            "due_on": "2027-03-31",
            "notes": "Barème voté chaque année par l'assemblée générale.",
        },
        status=201,
    )
    s_url = f"/api/v1/dues-schedules/{schedule['id']}/"
    refused = staff.post("/api/v1/dues-schedules/", {**schedule, "year": 2028, "arml": arml["id"]})
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    # Adopting before the general assembly deliberated is refused, with the reason.
    early = president.post(f"{s_url}transitions/adopt/", {})
    assert early.status_code == 409 and early.json()["code"] == "deliberation_required"

    # 2. The general assembly: the schedule is offered on its agenda, convened 3 weeks ahead.
    (ag,) = [b for b in results(president.ok("get", "/api/v1/bodies/")) if b["kind"] == "AG"]
    page = president.get("/seances/nouvelle/").content.decode()
    assert "Fixation des cotisations — Cotisations 2027" in page
    meeting = president.ok(
        "post",
        "/api/v1/meetings/",
        {
            "body": ag["id"],
            "starts_at": paris(2027, 1, 28, 14).isoformat(),
            "place": "Maison des associations, Toulouse",
            "items": [
                {
                    "title": "Fixation des cotisations 2027",
                    "subject": f"governance.duesschedule:{schedule['id']}",
                }
            ],
        },
        status=201,
    )
    m_url = f"/api/v1/meetings/{meeting['id']}/"
    (item,) = meeting["items"]
    assert item["subject_fingerprint"] == schedule["fingerprint"]
    president.act(m_url, "convene")
    time_machine.move_to(paris(2027, 1, 28, 13, 30))
    secretary.act(m_url, "open")
    members = [i["person"] for i in secretary.ok("get", f"{m_url}invitations/")]
    assert len(members) == 3
    secretary.ok(
        "post", f"{m_url}attendance-sheet/", {"statuses": {str(p): "present" for p in members}}
    )
    secretary.act(m_url, "start_session")
    for voter in members:
        secretary.ok(
            "post", f"{m_url}votes/", {"item": item["id"], "voter": voter, "choice": "for"}
        )
    time_machine.move_to(paris(2027, 1, 28, 16))
    president.act(m_url, "close")
    secretary.act(m_url, "sign_minutes")

    # 3. The president adopts the dues the GA set; the rule can no longer change.
    adopted = president.act(s_url, "adopt")
    assert adopted["state"] == "adopted"
    changed = director.post(
        f"{s_url}change/", {"base_amount": "1.00", "per_young_amount": "0", "due_on": "2027-03-31"}
    )
    assert changed.status_code == 409 and changed.json()["code"] == "dues_schedule_adopted"

    # 4. The director prepares one call per ML; the president issues (signs) each.
    time_machine.move_to(paris(2027, 2, 1, 9))
    mls = {m["name"]: m["id"] for m in results(director.ok("get", "/api/v1/missions-locales/"))}
    calls = director.ok(
        "post",
        f"{s_url}calls/",
        {"young_people": {str(mls[name]): n for name, n in YOUNG.items()}},
        status=201,
    )
    by_ml = {c["mission_locale_name"]: c for c in calls}
    assert {name: Decimal(c["amount"]) for name, c in by_ml.items()} == {
        "Mission Locale de Toulouse": Decimal("3100.00"),
        "Mission Locale de Montpellier Méditerranée": Decimal("2550.00"),
        "Mission Locale du Pays Narbonnais": Decimal("1450.00"),
        "Mission Locale de l'Aveyron": Decimal("1325.00"),
    }
    again = director.ok("post", f"{s_url}calls/", {}, status=201)  # no second call per ML
    assert len(again) == 4
    url = {name: f"/api/v1/dues-calls/{c['id']}/" for name, c in by_ml.items()}
    for name in url:
        assert president.act(url[name], "call")["state"] == "called"

    # 5. Payments: two MLs pay in full (one in two instalments), Narbonne a part, Aveyron nothing.
    def pay(name: str, amount: str, on: str, ref: str, status: int = 201):
        return director.ok(
            "post",
            f"{url[name]}payments/",
            {"amount": amount, "paid_on": on, "reference": ref},
            status=status,
        )

    toulouse, montpellier = (
        "Mission Locale de Toulouse",
        "Mission Locale de Montpellier Méditerranée",
    )
    narbonne, aveyron = "Mission Locale du Pays Narbonnais", "Mission Locale de l'Aveyron"
    time_machine.move_to(paris(2027, 3, 10, 11))
    pay(toulouse, "3100.00", "2027-03-09", "VIR-TLS-2027")
    pay(montpellier, "1000.00", "2027-03-05", "VIR-MTP-1")
    too_much = director.post(f"{url[montpellier]}payments/", {"amount": "1550.01"})
    assert too_much.status_code == 400 and too_much.json()["code"] == "dues_payment_invalid"
    by_staff = staff.post(f"{url[narbonne]}payments/", {"amount": "100.00"})
    assert by_staff.status_code == 403 and by_staff.json()["code"] == "role_required"
    pay(montpellier, "1550.00", "2027-03-10", "VIR-MTP-2")
    pay(narbonne, "500.00", "2027-03-10", "CHQ-NAR-0412")
    states = {n: director.ok("get", u)["state"] for n, u in url.items()}
    assert states == {toulouse: "paid", montpellier: "paid", narbonne: "called", aveyron: "called"}
    assert director.ok("get", "/api/v1/dues-calls/?in_arrears=1")["count"] == 0

    # 6. After the due date: Narbonne and the Aveyron are in arrears, on the API and the dashboard.
    time_machine.move_to(paris(2027, 4, 2, 9))
    late = results(director.ok("get", "/api/v1/dues-calls/?in_arrears=1&year=2027"))
    assert sorted((c["mission_locale_name"], c["left_to_pay"]) for c in late) == [
        (aveyron, "1325.00"),
        (narbonne, "950.00"),
    ]
    dashboard = director.ok("get", f"/api/v1/dashboards/{arml['id']}/")
    (dues,) = dashboard["dues"]
    assert (dues["year"], dues["called"], dues["paid"], dues["left"]) == (
        2027,
        "8425.00",
        "6150.00",
        "2275.00",
    )
    assert sorted(dues["in_arrears"]) == sorted([narbonne, aveyron])
    assert (dues["calls"], dues["settled"]) == (4, 2)
    (table,) = [t for t in dashboard["tables"] if t["name"] == "cotisations"]
    assert table["rows"][0][:4] == ["2027", "8425.00", "6150.00", "2275.00"]
    # The dues are the ARML's own resources: never a funder's column of the CPOM table.
    (funders,) = [t for t in dashboard["tables"] if t["name"] == "financeurs"]
    assert not any("Mission" in column for column in funders["columns"])
    html = " ".join(director.get(f"/tableau-de-bord/{arml['id']}/").content.decode().split())
    assert "Ressources propres : cotisations des Missions Locales" in html
    assert narbonne in html and "2 275" in html
    html = " ".join(director.get("/cotisations/").content.decode().split())
    assert "Cotisations en retard" in html and "950,00 € restent à payer" in html

    # 7. Every document verifies; the ledger is clean.
    documents = results(director.ok("get", "/api/v1/documents/?limit=200"))
    kinds = [d["kind"] for d in documents]
    assert kinds.count("dues_call") == 4 and {"convocation", "minutes"} <= set(kinds)
    for document in documents:
        for version in document["versions"]:
            report = director.ok("get", f"/api/v1/document-versions/{version['id']}/verify/")
            assert report["ok"], (document["kind"], report)
    history = [e["action"] for e in director.ok("get", f"{url[montpellier]}history/")]
    assert history.count("dues_call.payment_recorded") == 2 and "dues_call.settled" in history
    call_command("audit", "verify", stdout=open("/dev/null", "w"))
