"""Issues 13.4 and 13.14: the measurements import refuses what it cannot read with a 400 naming
the file and the line, never a 500 (encodings, years, huge or infinite values, NUL bytes, more
than 1 MB); each indicator declares its range and a value outside it is refused (`out_of_range`)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.dialogues.models import Measurement
from governance.dialogues.services import Row, measurements_record, parse_measurements_csv

pytestmark = pytest.mark.django_db


def upload(client, world, content: bytes):
    dialogue = world.dialogue()
    client.force_login(world.director)
    return client.post(
        f"/api/v1/dialogues/{dialogue.pk}/measurements/",
        {"file": SimpleUploadedFile("m.csv", content, content_type="text/csv")},
    )


def csv_of(world, value="12", year="2026"):
    return f"indicateur;annee;valeur\n{world.indicator.code};{year};{value}\n"


def test_a_negative_count_is_refused_with_its_code(client, world):
    response = upload(client, world, csv_of(world, "-5").encode())
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range"
    assert "Ligne 2" in response.json()["detail"] and "« file »" in response.json()["detail"]
    assert not Measurement.objects.exists()


def test_an_indicator_declares_its_range_and_the_service_keeps_it(world):
    world.indicator.max_value = Decimal("100")
    world.indicator.save()
    with pytest.raises(Exception) as refused:
        measurements_record(
            actor=world.director,
            arml=world.arml,
            rows=[Row(0, world.indicator, 2026, Decimal("100.01"))],
        )
    assert getattr(refused.value, "code", None) == "out_of_range"
    assert (
        measurements_record(
            actor=world.director,
            arml=world.arml,
            rows=[Row(0, world.indicator, 2026, Decimal("100"))],
        )
        == 1
    )


@pytest.mark.parametrize(
    "content",
    [
        "indicateur;annee;valeur\nX;2026;1\n".encode("utf-16"),
        "indicateur;année;valeur\n".encode("latin-1") + b"\xff\xfe\x00",
        b"indicateur;annee;valeur\nA\x00B;2026;1\n",
    ],
    ids=["utf-16", "latin-1", "nul"],
)
def test_unreadable_files_are_a_400(client, world, content):
    response = upload(client, world, content)
    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"invalid_file", "out_of_range"}


@pytest.mark.parametrize(
    "value,year",
    [
        ("1", "99999"),
        ("1", "-5"),
        ("1e15", "2026"),
        ("1e30", "2026"),
        ("Infinity", "2026"),
        ("NaN", "2026"),
    ],
)
def test_years_and_values_out_of_bounds_are_a_400(client, world, value, year):
    response = upload(client, world, csv_of(world, value, year).encode())
    assert response.status_code == 400, response.content
    assert "Ligne 2" in response.json()["detail"]


def test_a_latin_1_file_from_a_spreadsheet_is_read(world):
    rows = parse_measurements_csv(csv_of(world, "12,5").replace("annee", "annee").encode("cp1252"))
    assert rows[0].value == Decimal("12.50")


def test_more_than_1_mb_is_refused_over_the_api(client, world):
    big = csv_of(world).encode() + b"\n" * 1_000_001
    response = upload(client, world, big)
    assert response.status_code == 400 and response.json()["code"] == "file_too_large"
