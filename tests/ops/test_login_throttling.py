"""Login throttling (django-axes) and password rules (issue 13.7)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from audit.models import AuditEvent
from governance.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

RIGHT = "secret-pass-123"
LOCKED = (
    "Trop de tentatives échouées : ce compte est bloqué depuis cette adresse pendant 15 minutes."
)


def logged_in(client):
    return "_auth_user_id" in client.session


def attempt(client, username, password, url="/connexion/"):
    return client.post(url, {"username": username, "password": password})


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client):
    person = PersonFactory()
    for _ in range(30):
        response = attempt(client, person.username, "wrong-password-0")
        assert not logged_in(client)
    response = attempt(client, person.username, RIGHT)
    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert LOCKED in html
    assert '<html lang="fr">' in html and 'name="password"' in html  # the login page, in French


def test_the_lockout_is_in_the_ledger_once(client, settings):
    person = PersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        attempt(client, person.username, "wrong-password-0")
    events = AuditEvent.objects.filter(action="auth.locked_out")
    assert events.count() == 1
    event = events.get()
    assert event.actor_id is None
    assert event.data == {
        "username": person.username,
        "ip": "127.0.0.1",
        "failures": settings.AXES_FAILURE_LIMIT,
    }
    assert event.request_ip == "127.0.0.1"


def test_below_the_limit_the_right_password_still_opens(client, settings):
    person = PersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, person.username, "wrong-password-0")
    assert attempt(client, person.username, RIGHT).status_code == 302
    assert logged_in(client)
    assert not AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_the_admin_login_is_locked_too(client, settings):
    admin = PersonFactory(is_staff=True, is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, admin.username, "wrong-password-0", url="/admin/login/")
    response = attempt(client, admin.username, RIGHT, url="/admin/login/")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_the_lock_holds_for_the_username_from_that_address_only(client, settings):
    person = PersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, person.username, "wrong-password-0")
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert attempt(elsewhere, person.username, RIGHT).status_code == 302
    colleague = PersonFactory()
    assert attempt(client, colleague.username, RIGHT).status_code == 302


def test_the_reset_command_unlocks(client, settings):
    person = PersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, person.username, "wrong-password-0")
    assert attempt(client, person.username, RIGHT).status_code == 429
    call_command("axes_reset_username", person.username)
    assert attempt(client, person.username, RIGHT).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (
            "court-2026",
            "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères.",
        ),
        ("202620262026", "Ce mot de passe est entièrement numérique."),
        ("presidente2026", "Le mot de passe est trop semblable au champ"),
        ("password1234", "Ce mot de passe est trop courant."),
    ],
)
def test_weak_passwords_are_refused_in_french(password, message):
    person = Person(username="presidente", first_name="Annick", last_name="Le Goff")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, person)
    assert any(m.startswith(message) for m in refused.value.messages), refused.value.messages
