from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from documents.exceptions import DocumentError
from documents.renderers import RENDERERS, facts_sha256, format_amount, get_renderer
from documents.renderers import base as renderer_base
from documents.samples import convention_facts, facts_for
from tests.documents.pdftext import extract_text


@pytest.mark.parametrize("kind", sorted(RENDERERS))
def test_it_renders_every_kind_deterministically(kind):
    first = get_renderer(kind).render(facts_for(kind))
    second = get_renderer(kind).render(facts_for(kind))
    assert first == second
    filename, content = first
    assert filename.endswith(".pdf") and content.startswith(b"%PDF-")


def _text(facts):
    # reportlab lays out no-break spaces as ordinary spaces
    return extract_text(get_renderer("convention").render(facts)[1]).replace("\u00a0", " ")


def test_accents_and_euro_survive_text_extraction():
    text = _text(convention_facts())
    for expected in (
        "Association régionale des Missions Locales",
        "l'Écluse",
        "Françoise Œuvray",
        "Jérôme Müller",
        "152 300,00 €",
        "montants en €",
    ):
        assert expected in text


def test_footer_names_reference_version_ledger_and_content_hash():
    facts = convention_facts(ledger_seq=4242, version=3)
    text = extract_text(get_renderer("convention").render(facts)[1])
    assert "CPOM-2025-001" in text
    assert facts_sha256(facts) in text
    assert "4242" in text
    assert text.count(facts_sha256(facts)) == text.count("CPOM-2025-001 ·")  # every page


def test_funding_table_totals_per_year_and_per_funder():
    facts = convention_facts(
        funding=[
            {"year": 2025, "funder": "État", "amount": Decimal("100.10")},
            {"year": 2025, "funder": "Région", "amount": "50"},
            {"year": 2026, "funder": "État", "amount": Decimal("0.05")},
        ]
    )
    text = _text(facts)
    assert "2025 100,10 € 50,00 € 150,10 €" in text  # per year
    assert "Total 100,15 € 50,00 € 150,15 €" in text  # per funder, and grand total


def test_different_facts_give_a_different_content_hash():
    assert facts_sha256(convention_facts()) != facts_sha256(convention_facts(reference="X"))


def test_signature_block_has_one_box_per_expected_signer():
    result = get_renderer("convention").render_with_layout(convention_facts())
    assert set(result.boxes) == {"president", "state", "region"}


def test_the_creation_date_comes_from_the_facts():
    content = get_renderer("act").render(facts_for("act"))[1]
    assert b"D:20250314000000+00'00'" in content


def test_english_labels_when_asked():
    facts = convention_facts(language="en")
    assert "Funding" in extract_text(get_renderer("convention").render(facts)[1])


def test_format_amount():
    assert format_amount(Decimal("-1234567.5")) == "-1\u00a0234\u00a0567,50\u00a0€"


def test_unknown_kind_is_refused():
    with pytest.raises(DocumentError):
        get_renderer("nope")


def test_missing_fonts_fail_with_a_clear_error(settings, tmp_path, monkeypatch):
    settings.ARML_FONT_DIR = str(tmp_path)
    monkeypatch.setattr(renderer_base, "_fonts_ready", False)
    with pytest.raises(ImproperlyConfigured, match="fonts-dejavu-core"):
        renderer_base.register_fonts()
