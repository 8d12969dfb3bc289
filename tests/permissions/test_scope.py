import pytest
from django.urls import reverse

from governance.organisations.models import FunderKind, Role
from permissions.selectors import armls_for
from tests.factories import (
    ArmlFactory,
    BodyFactory,
    FunderFactory,
    MissionLocaleFactory,
    PersonFactory,
    RegionFactory,
    give_mandate,
    person_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_regions():
    a = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
    b = ArmlFactory(region=RegionFactory(code="52", name="Pays de la Loire"))
    return a, b


def state_officer_of(arml):
    funder = FunderFactory(region=arml.region, kind=FunderKind.STATE)
    return person_with_role(Role.STATE_OFFICER, arml, funder=funder)


def test_it_scopes_a_state_officer_to_their_region(client, two_regions):
    a, b = two_regions
    officer = state_officer_of(a)
    ml_b = MissionLocaleFactory(arml=b)
    body_b = BodyFactory(arml=b)
    assert list(armls_for(officer)) == [a]

    client.force_login(officer)
    assert client.get(reverse("governance:arml_detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("governance:arml_detail", args=[b.pk])).status_code == 404
    assert client.get(reverse("governance:ml_detail", args=[ml_b.pk])).status_code == 404
    assert client.get(reverse("governance:body_detail", args=[body_b.pk])).status_code == 404
    listing = client.get(reverse("governance:arml_list")).content.decode()
    assert a.name in listing and b.name not in listing


def test_it_scopes_the_api_like_the_pages(client, two_regions):
    a, b = two_regions
    client.force_login(state_officer_of(a))
    ids = [row["id"] for row in client.get("/api/v1/armls/").json()["results"]]
    assert ids == [a.pk]
    assert client.get(f"/api/v1/armls/{b.pk}/").status_code == 404


def test_it_scopes_an_auditor_to_the_armls_of_their_mandates(two_regions):
    a, b = two_regions
    c = ArmlFactory(region=RegionFactory(code="28", name="Normandie"))
    auditor = person_with_role(Role.AUDITOR, a)
    give_mandate(auditor, Role.AUDITOR, c)
    assert set(armls_for(auditor)) == {a, c}


def test_a_person_without_mandate_sees_no_arml(client, two_regions):
    nobody = PersonFactory()
    client.force_login(nobody)
    assert not armls_for(nobody).exists()
    page = client.get(reverse("home")).content.decode()
    assert "Aucune ARML dans votre périmètre" in page


@pytest.mark.parametrize(
    "name,args",
    [
        ("home", []),
        ("governance:region_list", []),
        ("governance:region_detail", ["53"]),
        ("governance:arml_list", []),
        ("governance:arml_detail", [1]),
        ("governance:ml_list", []),
        ("governance:ml_detail", [1]),
        ("governance:person_list", []),
        ("governance:person_detail", [1]),
        ("governance:body_list", []),
        ("governance:body_detail", [1]),
    ],
)
def test_anonymous_users_are_redirected_to_login(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_api_calls_get_a_json_401_or_403(client):
    response = client.get("/api/v1/armls/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
