"""Issue 15: the CPOM's PDF read as an official French document (its text, through the PDF):
the ARML and the funders with their representatives, headings, figures, one version."""

import pytest

from documents.models import Document
from documents.renderers.base import fit_widths, format_date, format_number
from documents.services import read_verified
from governance.organisations.models import Role
from tests.documents.pdftext import extract_text

pytestmark = pytest.mark.django_db


def text_of(document: Document) -> str:
    latest = document.versions.order_by("-n").first()
    return " ".join(extract_text(read_verified(latest)).replace("\u00a0", " ").split())


def signed_convention(world) -> Document:
    conv = world.awaiting()
    # the signed one, with the signature block (the earlier ones: the versions agreed on)
    return Document.objects.filter(object_id=str(conv.pk), kind="convention").latest("pk")


def test_the_parties_are_the_arml_and_the_funders_each_with_its_representative(world):
    world.arml.address = "10 rue de la Monnaie, 35000 Rennes"
    world.arml.save()
    text = text_of(signed_convention(world))
    between = text.partition("Entre")[2].partition("Article 1")[0]
    assert between.index(world.arml.name) < between.index(world.state.name)
    assert "association régie par la loi du 1er juillet 1901" in between
    assert f"représentée par {world.president}, {Role.PRESIDENT.label}" in between
    assert f"État, représenté par {world.state_officer}" in between
    assert f"Conseil régional, représenté par {world.region_officer}" in between
    assert "Président·e de l'ARML ; et" in between


def test_headings_figures_and_one_version(world):
    text = text_of(signed_convention(world))
    assert "Article 1 — Accompagnement" in text and "Article 1 — 1." not in text
    assert "15 000 jeunes" in text and "15000.00" not in text and ".00 " not in text
    assert "165 000,50 €" in text and "765 002,25 €" in text  # 2026 State total, grand total
    assert "Version du contenu v1" in text and "Version 5" not in text
    assert "Période du 1er janvier 2026 au 31 décembre 2028" in text


def test_every_amount_fits_its_column():
    rows = [
        ["Année", "Direction interrégionale des services pénitentiaires", "Total"],
        ["2026", "1 230 000,00 €", "1 230 000,00 €"],
    ]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from documents.renderers.base import register_fonts

    register_fonts()
    widths, size = fit_widths(rows, [60, 120, 120], lambda r, c: "DejaVuSans", 8.5)
    assert abs(sum(widths) - 300) < 0.01
    for c, width in enumerate(widths):
        for row in rows:
            for word in row[c].split():
                assert stringWidth(word, "DejaVuSans", size) + 12 <= width + 0.01


def test_french_numbers_and_dates():
    assert format_number("400.00") == "400"
    assert format_number("24.50") == "24,5"
    assert format_number("1230000") == "1\u00a0230\u00a0000"
    assert format_date("2026-01-01") == "1er janvier 2026"
    assert format_date("2026-03-02") == "2 mars 2026"
