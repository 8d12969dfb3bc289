"""Issue 14.2: negotiated versions of the convention. The director revises the content during
consultation and negotiation (each save a numbered version), the parties' officers comment it
line by line, any two versions are compared; the freeze names its version and, where the ARML's
rules ask for it, waits for the State's and the Region's agreement on that exact version."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from governance.conventions.models import Agreement, ConventionState, LineComment
from governance.conventions.services import (
    LineInput,
    convention_comment,
    convention_save_content,
)
from governance.organisations.models import Role
from tests.factories import person_with_role
from workflows import errors
from workflows.circuits import active_circuit, pending_tasks
from workflows.documents import current_document
from workflows.engine import perform
from workflows.selectors import awaiting_for

pytestmark = pytest.mark.django_db


def last(action):
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


def revised(world, conv, amount="130000.00", **overrides):
    content = world.content(**overrides)
    content.lines = [
        LineInput(li.year, li.funder, li.function, Decimal(amount))
        if (li.year, li.funder, li.function) == (2027, world.state, 1)
        else li
        for li in content.lines
    ]
    return convention_save_content(actor=world.director, convention=conv, content=content)


def state_line(world, year=2027):
    return f"funding:{year}:{world.state.pk}:1"


def test_the_director_revises_during_consultation_and_negotiation(world):
    conv = world.convention()
    conv = perform(conv, "submit_for_consultation", actor=world.director).obj
    v2 = revised(world, conv)
    conv = perform(world.fresh(conv), "open_negotiation", actor=world.director).obj
    v3 = revised(
        world, conv, amount="125000.00", objectives={"1": "Accompagner.", "5": "Soutenir."}
    )
    assert (v2.n, v3.n) == (2, 3) and len({v2.sha256, v3.sha256}) == 2
    saved = last("convention.content_saved")
    assert saved.data["content_version"] == 3 and saved.data["previous_version"] == 2
    # the State's 2027 F1 amount and objective 1 changed, objective 3 removed, objective 5 added
    assert saved.data["changes"] == {"added": 1, "removed": 1, "changed": 2}
    assert saved.from_state == saved.to_state == ConventionState.IN_NEGOTIATION


def test_officers_of_a_party_comment_a_line_and_it_is_ledgered(world, client):
    conv = world.negotiating()
    comment = convention_comment(
        actor=world.region_officer,
        convention=conv,
        line=f"funding:2026:{world.region.pk}:2",
        text="Montant F2 à ramener à 75 000 €.",
    )
    assert comment.version.n == 1 and comment.funder == world.region
    event = last("convention.line_commented")
    assert event.data["content_version"] == 1 and event.data["line"] == comment.line
    assert (
        event.comment == "Montant F2 à ramener à 75 000 €."
        and event.actor_id == world.region_officer.pk
    )
    revised(world, conv)  # v2: the comment follows its line
    client.force_login(world.director)
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "Montant F2 à ramener à 75 000 €." in page and "v1" in page
    assert "Négociation : les lignes de la v2" in page


@pytest.mark.parametrize(
    "who,line,state,code",
    [
        ("director", "title", None, "role_required"),
        ("ars_officer", "title", None, "not_a_party"),
        ("region_officer", "funding:1999:1:1", None, "unknown_line"),
        ("region_officer", "title", "draft", "not_negotiating"),
    ],
)
def test_a_comment_is_refused_with_its_code(world, who, line, state, code):
    world.ars_officer = person_with_role(Role.OTHER_FUNDER, world.arml, funder=world.ars)
    conv = world.convention() if state == "draft" else world.negotiating()
    with pytest.raises((ValidationError, errors.Forbidden)) as refused:
        convention_comment(actor=getattr(world, who), convention=conv, line=line, text="Non.")
    assert getattr(refused.value, "code", None) == code
    assert last("convention.refused_attempt").data["refusal"]["code"] == code
    assert not LineComment.objects.exists()


def test_the_page_compares_two_versions_side_by_side(world, client):
    conv = world.negotiating()
    revised(world, conv)
    revised(world, conv, amount="140000.00")
    client.force_login(world.state_officer)
    page = client.get(conv.get_absolute_url() + "?from=1&to=3").content.decode()
    assert "Différences de v1 à v3" in page
    assert "120\xa0000,00" in page and "140\xa0000,00" in page and "20\xa0000,00" in page
    bad = client.get(conv.get_absolute_url() + "?from=1&to=x")
    assert bad.status_code == 200 and "Indiquez les deux numéros de version" in bad.content.decode()
    response = client.post(
        f"/conventions/{conv.pk}/commentaires/",
        {"line": state_line(world), "text": "D'accord sur 140 000."},
    )
    assert response.status_code == 302 and LineComment.objects.get().version.n == 3


def test_the_api_gives_the_diff_and_the_comments(world, client):
    conv = world.negotiating()
    revised(world, conv)
    client.force_login(world.state_officer)
    diff = client.get(f"/api/v1/conventions/{conv.pk}/diff/?from=1&to=2").json()
    assert (diff["from"], diff["to"], diff["from_label"], diff["to_label"]) == (1, 2, "v1", "v2")
    [section] = diff["sections"]
    [change] = section["changes"]
    assert section["name"] == "funding" and change["key"] == state_line(world)
    assert (change["kind"], change["before"], change["after"], change["delta"]) == (
        "changed",
        "120000.00",
        "130000.00",
        "10000.00",
    )
    assert (
        client.get(f"/api/v1/conventions/{conv.pk}/diff/?from=0&to=2").json()["code"]
        == "unknown_version"
    )
    created = client.post(
        f"/api/v1/conventions/{conv.pk}/comments/",
        {"line": state_line(world), "text": "Accord."},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["version"] == 2
    listed = client.get(f"/api/v1/conventions/{conv.pk}/comments/").json()
    assert [c["text"] for c in listed] == ["Accord."]
    refused = client.post(
        f"/api/v1/conventions/{conv.pk}/comments/",
        {"line": "nope", "text": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_line"
    data = client.get(f"/api/v1/conventions/{conv.pk}/").json()
    assert data["content_version"] == 2 and data["content_version_label"] == "v2"
    assert [v["label"] for v in client.get(f"/api/v1/conventions/{conv.pk}/versions/").json()] == [
        "v1",
        "v2",
    ]


def test_the_freeze_waits_for_both_agreements_on_that_exact_version(world):
    conv = world.negotiating()
    revised(world, conv)
    with pytest.raises(errors.ConditionsUnmet):
        perform(world.fresh(conv), "freeze", actor=world.director)  # the ARML's rules ask for it
    conv = perform(world.fresh(conv), "request_agreement", actor=world.director).obj
    assert conv.state == ConventionState.AWAITING_AGREEMENT and conv.agreement_version == 2
    assert sorted(t.flow_task.name for t in pending_tasks(conv)) == ["region_agree", "state_agree"]
    assert any("Accord technique de l'État" in i.action for i in awaiting_for(world.state_officer))
    perform(world.fresh(conv), "agree", actor=world.state_officer)
    assert world.fresh(conv).state == ConventionState.AWAITING_AGREEMENT
    agreed = last("convention.agreed")
    assert agreed.data["content_version"] == 2 and agreed.principal_id == world.state_officer.pk
    with pytest.raises(errors.CircuitTaskRequired):
        perform(world.fresh(conv), "agree", actor=world.state_officer)  # once
    perform(world.fresh(conv), "agree", actor=world.region_officer)
    conv = world.fresh(conv)
    assert conv.state == ConventionState.FROZEN and active_circuit(conv) is None
    assert (conv.frozen_version, conv.frozen_hash) == (2, conv.content.sha256)
    assert {a.funder.kind for a in Agreement.objects.filter(version__n=2)} == {"state", "region"}
    frozen = last("convention.frozen")
    assert (
        frozen.data["transition"] == "freeze_on_agreement" and frozen.data["content_version"] == 2
    )
    document = current_document(conv, "convention")
    assert document.facts["version"] == "v2" and document.title.endswith("— v2")
    assert any("Accord technique" in line for line in document.facts["body"])


def test_a_new_version_cancels_the_pending_agreements(world):
    conv = perform(world.negotiating(), "request_agreement", actor=world.director).obj
    perform(world.fresh(conv), "agree", actor=world.state_officer)
    v2 = revised(world, world.fresh(conv))
    conv = world.fresh(conv)
    assert conv.state == ConventionState.IN_NEGOTIATION and conv.agreement_version is None
    assert active_circuit(conv) is None and pending_tasks(conv) == []
    withdrawn = last("convention.agreement_withdrawn")
    assert withdrawn.data["content_version"] == 1 and "v1" in withdrawn.comment
    assert last("convention.content_saved").data["content_version"] == v2.n == 2
    conv = perform(conv, "request_agreement", actor=world.director).obj
    perform(world.fresh(conv), "agree", actor=world.region_officer)
    assert (
        world.fresh(conv).state == ConventionState.AWAITING_AGREEMENT
    )  # v1's State agreement does not count
    perform(world.fresh(conv), "agree", actor=world.state_officer)
    assert world.fresh(conv).frozen_version == 2


def test_without_the_rule_the_director_freezes_alone(world):
    world.arml.cpom_freeze_needs_funders_agreement = False
    world.arml.save()
    conv = world.negotiating()
    with pytest.raises(errors.ConditionsUnmet):
        perform(conv, "request_agreement", actor=world.director)
    conv = perform(world.fresh(conv), "freeze", actor=world.director).obj
    assert conv.state == ConventionState.FROZEN and conv.frozen_version == 1


def test_an_officer_of_another_region_cannot_agree(world):
    conv = perform(world.negotiating(), "request_agreement", actor=world.director).obj
    with pytest.raises((errors.Forbidden, errors.CircuitTaskRequired)):
        perform(world.fresh(conv), "agree", actor=world.other_region_officer)


def test_the_directors_inbox_offers_to_ask_for_the_agreement(world):
    conv = world.negotiating()
    [item] = [i for i in awaiting_for(world.director) if i.obj.pk == conv.pk]
    assert item.action == "Demander l'accord de l'État et de la Région sur cette version"
