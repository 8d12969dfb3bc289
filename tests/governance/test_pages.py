"""Every shell page renders in French and English with the accessibility landmarks."""

import re

import pytest
from django.urls import reverse

from governance.organisations.models import BodyKind, Role
from tests.factories import (
    ArmlFactory,
    BodyFactory,
    MissionLocaleFactory,
    RegionFactory,
    give_mandate,
    person_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    arml = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
    ml = MissionLocaleFactory(arml=arml)
    body = BodyFactory(arml=arml, kind=BodyKind.CA)
    user = person_with_role(Role.PRESIDENT, arml)
    give_mandate(user, Role.BOARD_MEMBER, arml, body=body)
    return {"arml": arml, "ml": ml, "body": body, "user": user}


def pages(w):
    return [
        (reverse("home"), "Bienvenue", "Welcome"),
        (reverse("governance:region_list"), "Régions", "Regions"),
        (reverse("governance:region_detail", args=["53"]), "Code INSEE", "INSEE code"),
        (reverse("governance:arml_list"), "ARML de mon périmètre", "ARMLs in my scope"),
        (
            reverse("governance:arml_detail", args=[w["arml"].pk]),
            "Financeurs de la région",
            "Funders in the region",
        ),
        (reverse("governance:ml_list"), "Ville", "City"),
        (reverse("governance:ml_detail", args=[w["ml"].pk]), "Personnes", "People"),
        (reverse("governance:person_list"), "Mandats en cours", "Active mandates"),
        (reverse("governance:person_detail", args=[w["user"].pk]), "Mandats", "Mandates"),
        (reverse("governance:body_list"), "Instances associatives", "Association bodies"),
        (
            reverse("governance:body_detail", args=[w["body"].pk]),
            "Délai de convocation",
            "Notice period",
        ),
    ]


def check_landmarks(html: str, lang: str) -> str:
    assert f'<html lang="{lang}">' in html
    assert 'class="skip-link" href="#contenu"' in html
    assert len(re.findall(r"<main\b", html)) == 1
    assert len(re.findall(r"<h1\b", html)) == 1
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and title.group(1).strip()
    return title.group(1).strip()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_renders_with_landmarks_in_each_language(client, world, lang):
    client.force_login(world["user"])
    client.cookies["django_language"] = lang
    titles = set()
    for url, french, english in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        titles.add(check_landmarks(html, lang))
        assert (french if lang == "fr" else english) in html, url
    assert len(titles) == len(pages(world)), "each page needs its own <title>"


def test_the_login_page_is_french_and_accessible(client):
    html = client.get(reverse("login")).content.decode()
    check_landmarks(html, "fr")
    assert "Se connecter" in html


def test_the_language_switch_changes_the_language(client, world):
    client.force_login(world["user"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Welcome" in client.get("/").content.decode()


def test_home_shows_my_arml_and_mandates(client, world):
    client.force_login(world["user"])
    html = client.get("/").content.decode()
    assert world["arml"].name in html
    assert "Président·e de l&#x27;ARML" in html or "Président·e de l'ARML" in html
    assert "Rien ne vous attend" in html
