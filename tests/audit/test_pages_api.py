import pytest
from django.urls import reverse

from audit.checkpoints import checkpoint_create
from audit.models import AuditEvent
from audit.services import append
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(arml, other_arml, settings):
    settings.ARML_CHECKPOINT_EVERY = 0
    for i in range(6):
        append(
            action="action_plan.approved", arml=arml, obj=arml, comment=f"commentaire-ARML-A-n{i}"
        )
        append(
            action="action_plan.rejected",
            arml=other_arml,
            obj=other_arml,
            comment=f"commentaire-ARML-B-n{i}",
        )
    checkpoint_create()
    return AuditEvent.objects.order_by("seq")


def seqs_of(response):
    return [e.seq for e in response.context["page"].events]


def test_an_auditor_sees_only_the_events_of_their_arml(client, auditor, arml, events):
    client.force_login(auditor)
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 200
    assert seqs_of(response) == [11, 9, 7, 5, 3, 1]
    assert "commentaire-ARML-B-n0" not in response.content.decode()
    assert client.get(reverse("audit:event_detail", args=[2])).status_code == 404
    assert client.get(reverse("audit:event_detail", args=[1])).status_code == 200


@pytest.mark.parametrize("role", ["president", "arml_director"])
def test_presidents_and_directors_read_the_ledger(client, arml, events, role):
    client.force_login(person_with_role(role, arml))
    assert client.get(reverse("audit:event_list")).status_code == 200


def test_others_are_refused(client, arml, events):
    client.force_login(person_with_role("arml_staff", arml))
    assert client.get(reverse("audit:event_list")).status_code == 403
    assert client.get(reverse("audit:event_detail", args=[1])).status_code == 403
    assert client.get(reverse("audit:checkpoint_list")).status_code == 403
    assert client.get("/api/v1/audit/events/").status_code == 403
    assert client.get("/api/v1/audit/checkpoints/latest/").status_code == 403


def test_the_ledger_pages_by_seq(client, auditor, arml, settings):
    settings.ARML_CHECKPOINT_EVERY = 0
    for _ in range(120):
        append(action="x.done", arml=arml)
    client.force_login(auditor)
    first = client.get(reverse("audit:event_list"))
    assert seqs_of(first)[0] == 120 and len(seqs_of(first)) == 50
    assert first.context["page"].newer is None and first.context["page"].older == 71
    second = client.get(reverse("audit:event_list"), {"before": 71})
    assert seqs_of(second) == list(range(70, 20, -1))
    back = client.get(reverse("audit:event_list"), {"after": 70})
    assert seqs_of(back) == list(range(120, 70, -1))
    assert back.context["page"].newer is None


def test_the_ledger_filters(client, auditor, arml, events):
    client.force_login(auditor)
    response = client.get(reverse("audit:event_list"), {"action": "action_plan.rej"})
    assert seqs_of(response) == []
    response = client.get(reverse("audit:event_list"), {"object_id": str(arml.pk), "arml": arml.pk})
    assert len(seqs_of(response)) == 6


def test_one_click_verification(client, auditor, events):
    client.force_login(auditor)
    response = client.get(reverse("audit:event_detail", args=[3]), {"verify": 1})
    check = response.context["check"]
    assert check.ok and check.proof.tree_size == 12
    assert 'class="alert alert-success"' in response.content.decode()


def test_the_api_lists_keyset_and_scoped(client, auditor, events):
    client.force_login(auditor)
    page = client.get("/api/v1/audit/events/", {"limit": 2}).json()
    assert [e["seq"] for e in page["results"]] == [1, 3]
    assert page["next"].endswith("?after=3&limit=2")
    page = client.get("/api/v1/audit/events/", {"after": 3, "limit": 10}).json()
    assert [e["seq"] for e in page["results"]] == [5, 7, 9, 11] and page["next"] is None
    assert client.get("/api/v1/audit/events/2/").status_code == 404
    event = client.get("/api/v1/audit/events/1/").json()
    assert event["comment"] == "commentaire-ARML-A-n0" and event["data"] == {}


def test_the_api_serves_proofs_and_checkpoints(client, auditor, events):
    from audit import merkle

    client.force_login(auditor)
    body = client.get("/api/v1/audit/events/5/proof/").json()
    assert body["verified"] is True
    proof = body["proof"]
    assert merkle.verify_inclusion(
        proof["leaf_index"],
        proof["tree_size"],
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(p) for p in proof["path"]],
        bytes.fromhex(body["checkpoint"]["root_hash"]),
    )
    latest = client.get("/api/v1/audit/checkpoints/latest/").json()
    assert latest["tree_size"] == 12
    import base64

    from audit import signing, timestamps
    from audit.crypto import load_pem_certificates
    from audit.models import Checkpoint

    statement = Checkpoint.objects.get(tree_size=12).statement()
    roots = load_pem_certificates(signing.tsa_trust_roots_pem())
    assert timestamps.check_token(base64.b64decode(latest["timestamp_token"]), statement, roots).ok
    assert client.get("/api/v1/audit/checkpoints/").status_code == 200


def test_the_history_partial_renders(arml, events):
    from django.template.loader import render_to_string

    from audit.selectors import events_for_object

    html = render_to_string("audit/_history.html", {"events": events_for_object(arml)})
    assert "commentaire-ARML-A-n5" in html and "commentaire-ARML-B-n0" not in html
    assert "<caption>" in html


def test_the_checkpoint_page_shows_the_time_stamp(client, auditor, events):
    client.force_login(auditor)
    html = client.get(reverse("audit:checkpoint_list")).content.decode()
    assert "Horodatage" in html and "<td>oui</td>" in html and "témoin" in html
