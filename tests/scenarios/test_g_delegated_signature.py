"""(g) The president delegates a signature to the director (issue 11.10).

The director is the ARML's salaried director: he sits in none of its bodies, his only role is
his post. The law lets the president delegate her signature to him within the statutes: she
delegates the signing of certified extracts until 28 February, over the API (the delegations
page offers him too); he signs one under his own second factor, "Pour Martine Combes et par
délégation" with the delegating act, on the PDF and in its verification; after the end date the
same act is refused with its code. The ledger and every PDF verify."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.organisations.models import Mandate
from tests.documents.pdftext import extract_text
from tests.scenarios.helpers import (
    at,
    cpom_in_force,
    documents_verified,
    get,
    ledger_verified,
    page,
    post,
    refused,
    sign,
)

pytestmark = pytest.mark.django_db

DELEGATED_ON = dt.date(2026, 2, 12)
UNTIL = dt.date(2026, 2, 28)
ACT = "Décision de la présidente n° 2026-03"


def pdf_text(client, document_version_id: int) -> str:
    response = client.get(f"/api/v1/document-versions/{document_version_id}/content/")
    data = b"".join(response.streaming_content)
    return " ".join(extract_text(data).replace("\u00a0", " ").split())


def test_g_the_director_signs_for_the_president_by_delegation(world):
    cpom_in_force(world)  # the board's deliberation adopting the CPOM, final on 12 February
    president, director = world.as_(world.president), world.as_(world.director)
    assert not Mandate.objects.filter(person__username=world.director, body__isnull=False)
    rows = get(director, "/api/v1/deliberations/?limit=500")
    (deliberation,) = rows["results"] if isinstance(rows, dict) else rows

    def extract_issue_url() -> str:
        extract = post(
            director, f"/api/v1/deliberations/{deliberation['id']}/extracts/", status=201
        )
        return f"/api/v1/extract-requests/{extract['id']}/transitions/issue/"

    # On his own, the director does not certify extracts: the board's rules name the president.
    first = extract_issue_url()
    refused(director, first, "role_required")

    # The delegations page offers him (a person of the ARML, in no body), and so does the API.
    form = page(president, "/delegations/")
    assert f'value="{world.pk(world.director)}"' in form and "Pierre Vidal" in form
    delegation = post(
        president,
        "/api/v1/delegations/",
        {
            "arml": world.arml.pk,
            "delegate": world.pk(world.director),
            "transitions": ["extract_request.issue"],
            "start": DELEGATED_ON.isoformat(),
            "end": UNTIL.isoformat(),
            "reason": "Délégation de signature des extraits (article 12 des statuts)",
            "act_reference": ACT,
            "act_date": DELEGATED_ON.isoformat(),
        },
        status=201,
    )
    assert delegation["active"] and delegation["delegate_name"] == "Pierre Vidal"
    assert delegation["evidence"] == f"{ACT} du 12/02/2026"
    (received,) = get(director, "/api/v1/delegations/")["results"]
    assert received["id"] == delegation["id"] and received["principal_name"] == "Martine Combes"

    # He signs under his own second factor, for the president and by delegation.
    result = sign(director, first)
    history = get(director, first.rsplit("transitions/", 1)[0] + "history/")
    (issued,) = [e for e in history if e["seq"] == result["event_seq"]]
    assert issued["actor"] == world.pk(world.director)
    assert issued["principal"] == world.pk(world.president)
    assert issued["data"]["second_factor"]["kind"] == "totp"
    text = pdf_text(director, result["document_version"])
    assert (
        "Pour Présidente de l'ARML Occitanie (Martine Combes) et par délégation "
        f"({ACT} du 12/02/2026, à compter du 12/02/2026), Pierre Vidal, Directeur"
    ) in text
    report = get(director, f"/api/v1/document-versions/{result['document_version']}/verify/")
    assert report["ok"], report
    (signature,) = report["signatures"]
    assert signature["on_behalf_of"] == "Martine Combes" and signature["signer"] == "Pierre Vidal"
    assert signature["second_factor"] == "totp"
    assert ACT in signature["delegation_text"]

    # After 28 February the delegation has ended: the same act is refused, with its code.
    world.travel(at(UNTIL + dt.timedelta(days=1), 9))
    (ended,) = get(director, "/api/v1/delegations/")["results"]
    assert not ended["active"]
    refused(director, extract_issue_url(), "role_required")

    assert ledger_verified().startswith("OK:")
    documents_verified(president, {"extract"})
