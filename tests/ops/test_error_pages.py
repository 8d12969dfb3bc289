"""Errors answer in French, in the site's layout, and say what to do next; the API answers JSON."""

import pytest
from django.test import Client

from config import errors
from tests.factories import ArmlFactory, PersonFactory

pytestmark = pytest.mark.django_db

LAYOUT = ('<html lang="fr">', 'class="navbar-brand"', "Gouvernance ARML", "Que pouvez-vous faire")


def assert_in_layout(html):
    for mark in LAYOUT:
        assert mark in html, mark


def test_a_strangers_403_is_a_french_page_with_the_reason(client):
    ArmlFactory()
    client.force_login(PersonFactory())
    response = client.get("/journal/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_in_layout(html)
    assert "<title>Accès refusé — Gouvernance ARML</title>" in html
    assert "Seuls les auditeurs, présidents et directeurs consultent le journal." in html
    assert 'href="/"' in html


def test_an_unknown_address_is_a_french_404_in_the_layout(client):
    client.force_login(PersonFactory())
    response = client.get("/nulle-part/", HTTP_REFERER="http://testserver/conventions/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_in_layout(html)
    assert "Page introuvable" in html
    assert 'href="http://testserver/conventions/"' in html  # go back
    assert 'aria-label="Menu principal"' in html  # the logged-in user keeps the menu


def test_an_anonymous_404_offers_to_log_in(client):
    html = client.get("/nulle-part/").content.decode()
    assert "Page introuvable" in html and 'href="/connexion/"' in html


@pytest.mark.urls("tests.ops.urls_boom")
def test_a_failing_view_gives_a_french_500_in_the_layout():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_in_layout(html)
    assert "Erreur du serveur" in html and "Réessayez dans quelques minutes." in html


@pytest.mark.urls("tests.ops.urls_boom")
def test_the_api_answers_json_even_for_a_500():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_the_500_page_survives_a_broken_layout(rf, monkeypatch):
    def broken(request):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(errors.defaults, "server_error", broken)
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    assert (
        '<html lang="fr">' in response.content.decode() and b"Erreur du serveur" in response.content
    )


def test_unknown_api_addresses_answer_json(client):
    client.force_login(PersonFactory())
    response = client.get("/api/v1/nulle-part/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Introuvable."}


def test_the_api_keeps_its_json_403(client):
    ArmlFactory()
    client.force_login(PersonFactory())
    response = client.get("/api/v1/audit/events/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_bad_request_is_a_french_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/connexion/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Requête incorrecte" in html


def test_an_expired_form_is_a_french_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
