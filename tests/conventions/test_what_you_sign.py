"""Issue 15: a countersigner sees what they sign above the button; refusing is folded after it
and confirmed; once they signed, the page says who still has to."""

import re

import pytest

from documents.models import Document
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def page(client, person, conv) -> str:
    client.force_login(person)
    return " ".join(client.get(conv.get_absolute_url()).content.decode().split())


def test_the_countersigner_sees_reference_version_fingerprint_totals_and_the_pdf(client, world):
    conv = world.awaiting()
    html = page(client, world.state_officer, conv)
    document = Document.objects.filter(object_id=str(conv.pk), kind="convention").latest("pk")
    block = html[html.index("Ce que vous signez") : html.index("/transitions/countersign/")]
    assert conv.reference() in block and "v1" in block and document.facts_sha256 in block
    assert "255 000,75 €" in block  # the 2026 total of the two funders
    assert "495 001,50 €" in block  # the State's total over the period
    latest = document.versions.order_by("-n").first()
    assert f"/documents/versions/{latest.pk}/telecharger/" in block
    # the refusal comes after, folded, and asks for a confirmation
    countersign = html.index("/transitions/countersign/")
    refuse = html.index("/transitions/refuse/")
    assert countersign < refuse
    details = re.search(r'<details class="mb-3 danger-action">.*?</details>', html).group(0)
    assert "/transitions/refuse/" in details and 'name="confirm"' in details


def test_after_signing_the_page_says_who_still_has_to(client, world):
    conv = world.awaiting()
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    html = page(client, world.state_officer, conv)
    awaited = html.partition("Restent à signer :")[2].partition("</p>")[0]
    assert "Pour la Région" in awaited and "Pour l&#x27;État" not in awaited
    assert "Ce que vous signez" not in html
