"""Issue 14.6: the national indicators, targets, measurements and every dashboard figure over
the API, scoped as the pages are (another region's officer sees nothing of this ARML)."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from governance.dialogues.models import Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(world):
    world.in_force()  # targets of its content: ICN-01, 2026 → 15 000
    Measurement.objects.create(
        arml=world.arml,
        indicator=world.indicator,
        year=2026,
        value=Decimal("12000"),
        recorded_by=world.director,
    )
    return world


def test_indicators_are_reference_data(client, measured):
    client.force_login(measured.other_region_officer)
    body = client.get("/api/v1/indicators/").json()["results"]
    assert "ICN-01" in [i["code"] for i in body]
    assert client.get("/api/v1/indicators/ICN-01/").json()["label"] == "Jeunes accompagnés"
    client.logout()
    assert client.get("/api/v1/indicators/").status_code in (401, 403)


def test_targets_and_measurements_in_scope_only(client, measured):
    w = measured
    client.force_login(w.director)
    targets = client.get(f"/api/v1/indicator-targets/?arml={w.arml.pk}&indicator=ICN-01").json()[
        "results"
    ]
    assert [(t["indicator"], t["year"], t["target"]) for t in targets] == [
        ("ICN-01", 2026, "15000.00")
    ]
    assert targets[0]["content_version"] == 1
    values = client.get("/api/v1/measurements/?year=2026").json()["results"]
    assert [(m["indicator"], m["value"]) for m in values] == [("ICN-01", "12000.00")]
    client.force_login(w.other_region_officer)
    assert client.get("/api/v1/indicator-targets/").json()["count"] == 0
    assert client.get("/api/v1/measurements/").json()["count"] == 0


def test_the_dashboard_over_the_api(client, measured):
    w = measured
    client.force_login(w.state_officer)
    assert [d["arml"] for d in client.get("/api/v1/dashboards/").json()["results"]] == [w.arml.pk]
    body = client.get(f"/api/v1/dashboards/{w.arml.pk}/").json()
    (figure,) = [i for i in body["indicators"] if i["code"] == "ICN-01"]
    assert (figure["target"], figure["measurement"], figure["achievement_percent"]) == (
        "15000.00",
        "12000.00",
        80,
    )
    names = [t["name"] for t in body["tables"]]
    assert {"indicateurs", "financeurs", "fonctions", "cotisations"} <= set(names)
    assert body["dues"] == []
    client.force_login(w.other_region_officer)
    response = client.get(f"/api/v1/dashboards/{w.arml.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get("/api/v1/dashboards/abc/").status_code == 404


def test_the_schema_is_warning_free_and_has_the_indicator_paths(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/indicators/", "/api/v1/indicator-targets/", "/api/v1/measurements/"):
        assert f"  {path}:" in text
    assert "  /api/v1/dashboards/{id}/:" in text and "  /api/v1/dues-calls/:" in text
