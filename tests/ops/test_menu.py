"""The main menu shows each user what they may open, grouped by area, in three queries."""

import pytest
from django.test import RequestFactory

from config.context import main_menu, menu_for
from governance.models import Arml, FunderKind, Role
from tests.factories import (
    ArmlFactory,
    FunderFactory,
    MissionLocaleFactory,
    PersonFactory,
    person_with_role,
)

pytestmark = pytest.mark.django_db

#: Everyone: the home page and their notifications.
HOME = {"/", "/notifications/"}
SCOPED = {
    "/seances/",
    "/instances/",
    "/conventions/",
    "/dialogues/",
    "/programmes/",
    "/plans-action/",
    "/arml/",
    "/missions-locales/",
    "/personnes/",
    "/regions/",
    "/delegations/",
    "/cotisations/",
}
ONE_ARML = {"/registre/", "/tableau-de-bord/"}
LEDGER = {"/journal/"}


def urls(user):
    return {item["url"] for group in menu_for(user, "/") for item in group["items"]}


@pytest.fixture
def arml():
    return ArmlFactory()


@pytest.fixture
def cast(arml):
    state = FunderFactory(region=arml.region, kind=FunderKind.STATE)
    region = FunderFactory(region=arml.region, kind=FunderKind.REGION)
    ml = MissionLocaleFactory(arml=arml)
    return {
        "president": person_with_role(Role.PRESIDENT, arml),
        "director": person_with_role(Role.ARML_DIRECTOR, arml),
        "auditor": person_with_role(Role.AUDITOR, arml),
        "secretary": person_with_role(Role.SECRETARY, arml),
        "staff": person_with_role(Role.ARML_STAFF, arml),
        "board_member": person_with_role(Role.BOARD_MEMBER, arml),
        "state_officer": person_with_role(Role.STATE_OFFICER, arml, funder=state),
        "region_officer": person_with_role(Role.REGION_OFFICER, arml, funder=region),
        "ml_director": person_with_role(Role.ML_DIRECTOR, arml, mission_locale=ml),
        "stranger": PersonFactory(),
    }


def _check_urls_are_known(found):
    assert found <= HOME | SCOPED | ONE_ARML | LEDGER, found


@pytest.mark.parametrize(
    ("who", "ledger"),
    [
        ("president", True),
        ("director", True),
        ("auditor", True),
        ("secretary", False),
        ("staff", False),
        ("board_member", False),
        ("state_officer", False),
        ("region_officer", False),
        ("ml_director", False),
    ],
)
def test_it_shows_the_ledger_only_to_audit_roles(cast, who, ledger):
    found = urls(cast[who])
    _check_urls_are_known(found)
    assert found == HOME | SCOPED | ONE_ARML | (LEDGER if ledger else set())


def test_a_person_without_mandate_sees_only_home(cast):
    assert urls(cast["stranger"]) == HOME


def test_a_superuser_on_a_fresh_install_sees_every_page():
    """The 18 regions' ARMLs are reference data (migration 0008): there from the start."""
    admin = PersonFactory(is_superuser=True, is_staff=True)
    assert urls(admin) == HOME | SCOPED | ONE_ARML | LEDGER


def test_a_superuser_without_any_arml_sees_reference_data_but_no_arml_page():
    Arml.objects.all().delete()
    admin = PersonFactory(is_superuser=True, is_staff=True)
    assert urls(admin) == HOME | SCOPED | LEDGER


def test_a_superuser_with_an_arml_sees_everything(arml):
    admin = PersonFactory(is_superuser=True, is_staff=True)
    assert urls(admin) == HOME | SCOPED | ONE_ARML | LEDGER


def test_an_ended_mandate_no_longer_opens_the_ledger(arml):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import give_mandate

    person = person_with_role(Role.ARML_STAFF, arml)
    give_mandate(
        person,
        Role.AUDITOR,
        arml,
        start=timezone.localdate() - dt.timedelta(days=60),
        end=timezone.localdate() - dt.timedelta(days=1),
    )
    assert "/journal/" not in urls(person)


def test_entries_are_grouped_by_area(cast):
    groups = menu_for(cast["president"], "/conventions/3/")
    labels = [str(g["label"]) for g in groups if g["label"]]
    assert labels == [
        "Instances",
        "Conventions et financements",
        "Programme et plans",
        "Référentiel",
        "Contrôle",
    ]
    current = [item["label"] for g in groups for item in g["items"] if item["current"]]
    assert [str(label) for label in current] == ["Conventions"]


def test_the_menu_costs_three_queries_whatever_the_entries(cast, django_assert_num_queries):
    """Scope (two) and the unread notifications' count (one), whatever the number of entries."""
    request = RequestFactory().get("/")
    request.user = cast["president"]
    with django_assert_num_queries(3):
        main_menu(request)
        main_menu(request)  # a second template in the same request: no new query


@pytest.mark.parametrize(
    "who",
    [
        "president",
        "auditor",
        "secretary",
        "state_officer",
        "region_officer",
        "ml_director",
        "stranger",
    ],
)
def test_every_entry_a_user_sees_opens_for_that_user(client, cast, who):
    user = cast[who]
    client.force_login(user)
    for url in urls(user):
        response = client.get(url, follow=True)
        assert response.status_code == 200, (who, url, response.status_code)


def test_every_entry_opens_for_a_superuser_on_an_empty_install(client):
    admin = PersonFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    for url in urls(admin):
        assert client.get(url, follow=True).status_code == 200, url


def test_the_layout_shows_the_grouped_menu(client, cast):
    client.force_login(cast["secretary"])
    html = client.get("/").content.decode()
    assert 'aria-label="Menu principal"' in html
    assert "Conventions et financements" in html
    assert "Journal d&#x27;audit" not in html and "Journal d'audit" not in html
    assert 'href="/registre/"' in html


@pytest.mark.parametrize("url", ["/registre/", "/tableau-de-bord/"])
def test_register_and_dashboard_say_there_is_no_arml_yet(client, url):
    Arml.objects.all().delete()  # the reference data removed by hand
    admin = PersonFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Il n&#x27;y a encore aucune ARML" in html or "Il n'y a encore aucune ARML" in html
    assert "manage.py onboard" in html
    assert 'href="/admin/"' in html


@pytest.mark.parametrize("url", ["/registre/", "/tableau-de-bord/"])
def test_register_and_dashboard_tell_a_person_without_mandate_whom_to_ask(client, arml, url):
    client.force_login(PersonFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert "aucun mandat actif" in response.content.decode()
