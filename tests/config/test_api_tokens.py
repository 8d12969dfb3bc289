"""Issue 13.13: API tokens are stored hashed and expire after 90 days; a client gets one with
its username and password (HTTP Basic), shown once; the API answers in JSON, never a redirect."""

import base64
import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
PASSWORD = "un mot de passe assez long"


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def person():
    person = PersonFactory()
    person.set_password(PASSWORD)
    person.save()
    return person


def test_a_client_gets_a_token_that_is_stored_only_as_a_digest(client, person):
    response = client.post(
        "/api/v1/auth/token/", HTTP_AUTHORIZATION=basic(person.username, PASSWORD)
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=person)
    assert token not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        assert not any(token in str(value) for row in cursor.fetchall() for value in row)
    assert dt.timedelta(days=89) < stored.expiry - timezone.now() <= dt.timedelta(days=90)
    me = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200


def test_a_wrong_password_gets_no_token(client, person):
    response = client.post("/api/v1/auth/token/", HTTP_AUTHORIZATION=basic(person.username, "faux"))
    assert response.status_code in (401, 403)
    assert not AuthToken.objects.exists()


def test_an_expired_or_revoked_token_is_refused_in_json(client, person):
    instance, token = AuthToken.objects.create(person)
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}")
    assert expired.status_code in (401, 403) and expired["Content-Type"].startswith(
        "application/json"
    )
    _instance, token = AuthToken.objects.create(person)
    revoked = client.post("/api/v1/auth/token/revoke/", HTTP_AUTHORIZATION=f"Token {token}")
    assert revoked.status_code == 204
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}").status_code in (
        401,
        403,
    )


def test_clear_tokens_are_gone():
    from django.conf import settings

    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
    auth = settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    assert "rest_framework.authentication.TokenAuthentication" not in auth


def test_pages_still_redirect_to_the_login_page(client):
    assert client.get("/plans-action/").status_code == 302
    assert client.get("/api/v1/regions/").status_code in (401, 403)
