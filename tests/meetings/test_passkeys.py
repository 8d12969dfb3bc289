"""Issue 13, passkeys (django-otp-webauthn) as the second factor before signing: enrolled from
the profile (after the current factor when there is one; ledgered; the first recovery codes
once), a WebAuthn assertion confirms the session and the act then signs with kind "webauthn"
in its event and its signature; wrong or foreign assertions are refused in French and
ledgered; removal needs the current factor; the admin reset removes passkeys too. A software
authenticator signs for real: py_webauthn verifies every answer."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditEvent
from config import labels
from documents.models import Signature
from documents.verification import verify
from governance.meetings.models import Meeting
from tests.conftest import enrol_totp
from tests.factories import PersonFactory
from tests.meetings.test_second_factor import code_of, ready_to_close
from tests.passkey_authenticator import SoftPasskey
from workflows import second_factor
from workflows.models import SecondFactorConfirmation

pytestmark = pytest.mark.usefixtures("second_factor_on", "relying_party")

JSON = "application/json"
ORIGIN = "http://localhost:8000"
REGISTER = "/profil/cles-d-acces/enregistrement/"
ASSERT = "/profil/cles-d-acces/confirmation/"


@pytest.fixture
def relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def enrol(client, passkey, **fields):
    """The profile's ceremony: begin with the form's fields, the authenticator creates, done."""
    r = client.post(REGISTER + "debut/", fields)
    assert r.status_code == 200, r.content
    options = r.json()
    return client.post(REGISTER + "fin/", json.dumps(passkey.create(options)), content_type=JSON)


def assertion(client, passkey, **kwargs):
    r = client.post(ASSERT + "debut/")
    assert r.status_code == 200, r.content
    answer = passkey.get(r.json(), **kwargs)
    return client.post(ASSERT + "fin/", json.dumps(answer), content_type=JSON)


def person_refusals(person, code):
    events = AuditEvent.objects.filter(action="person.refused_attempt", object_id=str(person.pk))
    return [e for e in events if e.data["refusal"]["code"] == code]


def test_a_person_without_second_factor_enrols_a_passkey_and_gets_recovery_codes(client, board):
    person = board.president
    client.force_login(person)
    page = client.get("/profil/").content.decode()
    assert "Ajouter une clé d’accès (passkey)" in page and "Aucune clé d’accès" in page
    assert 'src="/static/js/passkeys.js"' in page and "<script>" not in page
    r = enrol(client, SoftPasskey(ORIGIN), name="Clé du bureau")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    credential = WebAuthnCredential.objects.get(user=person)
    assert credential.confirmed and credential.name == "Clé du bureau"
    assert len(r.json()["recovery_codes"]) == 10 == second_factor.recovery_codes_left(person)
    assert second_factor.enrolled(person) and second_factor.has_passkey(person)
    event = AuditEvent.objects.get(action="person.second_factor_enrolled")
    assert event.actor_id == person.pk
    assert event.data == {
        "kind": "webauthn",
        "device": credential.pk,
        "name": "Clé du bureau",
        "recovery_codes": 10,
    }
    page = client.get("/profil/").content.decode()
    assert "Clé du bureau" in page and "Votre clé d’accès « Clé du bureau » est enregistrée" in page
    # Enrolling confirms no signature by itself.
    assert not SecondFactorConfirmation.objects.filter(person=person).exists()


def test_a_person_with_an_app_confirms_it_before_adding_a_passkey(client, board):
    person = board.president
    enrol_totp(person)
    client.force_login(person)
    r = client.post(REGISTER + "debut/", {"name": "Clé"})
    assert r.status_code == 403
    assert r.json()["code"] == "second_factor_required" and "code" in r.json()["detail"]
    r = client.post(REGISTER + "debut/", {"name": "Clé", "otp": "000000x"})
    assert r.status_code == 403 and r.json()["code"] == "second_factor_invalid"
    assert len(person_refusals(person, "second_factor_required")) == 1
    assert len(person_refusals(person, "second_factor_invalid")) == 1
    # Completing without a confirmed begin: nothing to complete.
    r = client.post(REGISTER + "fin/", "{}", content_type=JSON)
    assert r.status_code == 403 and not WebAuthnCredential.objects.exists()
    r = enrol(client, SoftPasskey(ORIGIN), name="Clé", otp=code_of(person))
    assert r.status_code == 200
    assert len(r.json()["recovery_codes"]) == 10  # the app came without codes (enrol_totp)
    assert WebAuthnCredential.objects.filter(user=person).count() == 1


def test_a_passkey_confirms_a_signature_on_the_page(client, board):
    person = board.president
    passkey = SoftPasskey(ORIGIN)
    meeting = ready_to_close(board)  # moves the clock: log in after
    client.force_login(person)
    enrol(client, passkey, name="Téléphone")
    url = f"/seances/{meeting.pk}/transitions/close/"
    r = client.post(url, {"comment": "Séance close."})
    page = r.content.decode()
    assert r.status_code == 403 and "Confirmer avec ma clé d’accès" in page
    assert 'data-passkey="confirm"' in page and 'value="Séance close."' in page
    assert "utilisez votre clé d’accès" in page
    r = assertion(client, passkey)
    assert r.status_code == 200 and r.json()["kind"] == "webauthn"
    [row] = SecondFactorConfirmation.objects.filter(person=person)
    assert row.kind == "webauthn" and row.channel == second_factor.channel_of(r.wsgi_request)
    credential = WebAuthnCredential.objects.get(user=person)
    assert credential.last_used_at is not None and credential.sign_count == 2
    # The form posts the act again, without a code: the session's confirmation signs it.
    r = client.post(url, {"comment": "Séance close."})
    assert r.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).state == "closed"
    event = AuditEvent.objects.get(action="meeting.closed")
    assert event.data["second_factor"]["kind"] == "webauthn"
    signature = Signature.objects.filter(signer=person).latest("pk")  # the minutes' one
    assert signature.second_factor == "webauthn"
    report = verify(signature.version)
    assert report.signatures[0].second_factor_label == "second facteur : clé d’accès (passkey)"
    assert labels.data_value_label("second_factor", event.data["second_factor"]) == (
        "second facteur : clé d’accès (passkey)"
    )


def test_a_forged_or_foreign_assertion_confirms_nothing(client, board):
    person, other = board.president, PersonFactory()
    mine, theirs = SoftPasskey(ORIGIN), SoftPasskey(ORIGIN)
    client.force_login(other)
    enrol(client, theirs, name="Autre")
    client.force_login(person)
    enrol(client, mine, name="Mienne")
    r = assertion(client, mine, tamper=True)
    assert r.status_code == 422 and r.json()["code"] == "invalid_authentication_response"
    assert r.json()["detail"].startswith("La clé d’accès n’a pas pu être vérifiée")
    r = assertion(client, theirs)
    assert r.status_code == 403 and r.json()["code"] == "credential_user_mismatch"
    r = assertion(client, SoftPasskey("https://evil.example"))
    assert r.status_code == 404 and r.json()["code"] == "credential_not_found"
    # The same challenge cannot be answered twice.
    r = client.post(
        ASSERT + "fin/",
        json.dumps(mine.get({"challenge": "x", "rpId": "localhost"})),
        content_type=JSON,
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_state"
    assert not SecondFactorConfirmation.objects.filter(person=person).exists()
    codes = {
        e.data["refusal"]["code"]
        for e in AuditEvent.objects.filter(
            action="person.refused_attempt", object_id=str(person.pk)
        )
    }
    assert codes == {
        "invalid_authentication_response",
        "credential_user_mismatch",
        "credential_not_found",
        "invalid_state",
    }


def test_an_assertion_from_another_origin_is_refused(client, board):
    person = board.president
    client.force_login(person)
    passkey = SoftPasskey(ORIGIN)
    enrol(client, passkey)
    passkey.origin = "https://phishing.example"
    r = assertion(client, passkey)
    assert r.status_code == 422
    assert not SecondFactorConfirmation.objects.filter(person=person).exists()


def test_a_person_without_passkey_cannot_start_an_assertion(client, board):
    client.force_login(board.president)
    r = client.post(ASSERT + "debut/")
    assert r.status_code == 403 and r.json()["code"] == "no_passkey"
    assert "profil" in r.json()["detail"]


def test_the_ceremonies_need_the_csrf_token(board):
    client = Client(enforce_csrf_checks=True)
    client.force_login(board.president)
    assert client.post(REGISTER + "debut/", {"name": "x"}).status_code == 403
    assert client.post(ASSERT + "debut/").status_code == 403
    client.get("/profil/")
    token = client.cookies["csrftoken"].value
    r = client.post(REGISTER + "debut/", {"name": "x"}, HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200 and r.json()["rp"]["id"] == "localhost"


def test_removing_a_passkey_needs_the_current_factor_and_is_ledgered(client, board):
    person = board.president
    passkey = SoftPasskey(ORIGIN)
    client.force_login(person)
    enrol(client, passkey, name="Ancienne")
    credential = WebAuthnCredential.objects.get(user=person)
    url = f"/profil/cles-d-acces/{credential.pk}/retirer/"
    r = client.post(url)
    assert r.status_code == 302 and WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    assert len(person_refusals(person, "second_factor_required")) == 1
    # Someone else's passkey: not found, whatever the factor.
    other = PersonFactory()
    client.force_login(other)
    assert client.post(url).status_code == 404
    client.force_login(person)
    assert assertion(client, passkey).status_code == 200  # confirmed within the window
    r = client.post(url)
    assert r.status_code == 302 and not WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    event = AuditEvent.objects.get(action="person.second_factor_removed")
    assert event.actor_id == person.pk
    assert event.data == {"kind": "webauthn", "device": credential.pk, "name": "Ancienne"}
    assert labels.event_label(event.action) == "Second facteur retiré"


def test_the_administrator_reset_removes_passkeys(client, board):
    person = board.president
    client.force_login(person)
    enrol(client, SoftPasskey(ORIGIN))
    admin = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    r = client.post(
        "/admin/governance/person/",
        {"action": "reset_second_factor", "_selected_action": [person.pk]},
    )
    assert r.status_code == 302
    assert not WebAuthnCredential.objects.filter(user=person).exists()
    assert not second_factor.enrolled(person)
    event = AuditEvent.objects.get(action="person.second_factor_reset")
    assert event.actor_id == admin.pk
    assert client.get("/admin/django_otp_webauthn/webauthncredential/").status_code == 404


def test_the_api_stays_with_codes():
    """A passkey is a browser ceremony: the API's `otp` field takes codes only, and says so."""
    from workflows.api import TransitionInputSerializer

    help_text = str(TransitionInputSerializer().fields["otp"].help_text)
    assert "The API takes codes only: a passkey (WebAuthn) is a browser ceremony" in help_text


@pytest.mark.parametrize("body", ["[]", "{}", "pas du JSON", '{"id": 1, "response": 2}', '"x"'])
def test_a_malformed_answer_is_a_french_4xx_never_a_500(client, board, body):
    client.force_login(board.president)
    client.post(REGISTER + "debut/", {"name": "x"})
    r = client.post(REGISTER + "fin/", body, content_type=JSON)
    assert 400 <= r.status_code < 500 and r.json()["detail"]
    assert not WebAuthnCredential.objects.exists()
    enrol(client, SoftPasskey(ORIGIN))
    client.post(ASSERT + "debut/")
    r = client.post(ASSERT + "fin/", body, content_type=JSON)
    assert 400 <= r.status_code < 500 and r.json()["detail"]
    assert not SecondFactorConfirmation.objects.exists()


def test_the_ceremonies_are_not_pages(client, board):
    client.force_login(board.president)
    assert client.get(REGISTER + "debut/").status_code == 405
    r = client.get(ASSERT + "fin/")  # its checks come first: she has no passkey
    assert r.status_code == 403 and r.json()["code"] == "no_passkey"
