"""Issue 13, browser test: a president with no second factor adds a passkey from her profile
(Chromium's virtual authenticator, through CDP: CTAP2, internal, resident keys, user
verification), gets her first recovery codes once, then issues a certified extract confirmed by
the passkey alone (no code typed); the ledger event and the signature say "webauthn" and the
signature report says so in French. Later she confirms with the passkey on her profile and
removes it."""

from __future__ import annotations

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditEvent
from documents.models import Signature
from governance.action_plans.models import ActionPlan
from governance.meetings.models import ExtractRequest
from governance.meetings.services import extract_request_create
from governance.organisations.models import BodyKind, Role
from tests.decisions import board_adopts
from tests.factories import (
    ArmlFactory,
    BodyFactory,
    MissionLocaleFactory,
    PersonFactory,
    RegionFactory,
    give_mandate,
)
from workflows.models import SecondFactorConfirmation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def passkey_site(ui, live_server, settings):
    """WebAuthn wants a name for its relying party: the live server as http://localhost (a
    secure context), and a virtual authenticator in the tab."""
    ui.base_url = ui.base_url.replace("127.0.0.1", "localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ui.base_url]
    cdp = ui.page.context.new_cdp_session(ui.page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, authenticator["authenticatorId"]


def test_a_president_adds_a_passkey_then_signs_with_it(ui, passkey_site, ledger_purge):
    cdp, authenticator = passkey_site
    arml = ArmlFactory(region=RegionFactory(code="53", name="Bretagne"))
    board = BodyFactory(arml=arml, kind=BodyKind.CA, name="Conseil d'administration")
    president = PersonFactory(username="presidente", first_name="Hélène", last_name="Aubry")
    give_mandate(president, Role.PRESIDENT, arml, body=board)
    plan = ActionPlan.objects.create(
        arml=arml,
        mission_locale=MissionLocaleFactory(arml=arml),
        submitted_by=president,
        title="Plateforme régionale",
        summary="…",
        budget="90000.00",
        state="draft",
    )
    deliberation = board_adopts(plan, fingerprint="v1")
    request = extract_request_create(deliberation=deliberation, actor=president)
    page = ui.page

    # 1. From her profile she adds a passkey: the browser's ceremony, no code to type (she has
    #    no second factor yet); her first recovery codes are shown once, in place.
    ui.login(president)
    ui.goto("/profil/", "profile")
    ui.expect_text("Clés d’accès (passkeys)", "Aucune clé d’accès pour l’instant.")
    page.get_by_label("Nom de la clé d’accès").fill("Ordinateur du bureau")
    page.get_by_role("button", name="Ajouter une clé d’accès (passkey)").click()
    page.locator("#passkey-codes").wait_for(state="visible")
    ui.checked.discard(len(ui.loads) - 1)  # the same document, changed: axe checks it again
    ui.step("passkey-recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    ui.expect_text("Vos codes de secours", "Votre clé d’accès est enregistrée.")
    [credential] = WebAuthnCredential.objects.filter(user=president)
    assert credential.name == "Ordinateur du bureau" and credential.last_used_at is None
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1 and stored["credentials"][0]["isResidentCredential"]
    ui.follow("Retour à mon profil", "profile-with-passkey")
    ui.expect_text("Ordinateur du bureau", "jamais", "Votre clé d’accès « Ordinateur du bureau »")
    event = AuditEvent.objects.get(action="person.second_factor_enrolled")
    assert event.data["kind"] == "webauthn" and event.data["recovery_codes"] == 10

    # 2. She issues the extract: the confirmation form offers her passkey; one gesture signs.
    ui.goto(request.get_absolute_url(), "extract-request")
    ui.submit(
        page.get_by_role("button", name="Délivrer l’extrait certifié", exact=True), "confirm-form"
    )
    ui.expect_text("Confirmer votre signature", "utilisez votre clé d’accès")
    ui.submit(
        page.get_by_role("button", name="Confirmer avec ma clé d’accès", exact=True),
        "extract-issued",
    )
    assert ExtractRequest.objects.get(pk=request.pk).state == "issued"
    event = AuditEvent.objects.get(action="extract_request.issued")
    assert event.data["second_factor"]["kind"] == "webauthn"
    signature = Signature.objects.get(signer=president)
    assert signature.second_factor == "webauthn"
    assert SecondFactorConfirmation.objects.get(person=president).kind == "webauthn"
    credential.refresh_from_db()
    assert credential.last_used_at is not None
    ui.goto(signature.version.get_absolute_url(), "signature-report")
    ui.expect_text("Confirmée par", "second facteur : clé d’accès (passkey)")

    # 3. Later (the confirmation lapsed), she removes the passkey: her profile lets her confirm
    #    with it instead of typing a code, then the removal goes through and is ledgered.
    SecondFactorConfirmation.objects.filter(person=president).delete()
    ui.goto("/profil/", "profile-later")
    ui.submit(
        page.get_by_role("button", name="Confirmer avec ma clé d’accès", exact=True),
        "profile-confirmed",
    )
    ui.expect_text("Votre second facteur est confirmé pour cette session jusqu’à")
    ui.submit(
        page.get_by_role("button", name="Retirer « Ordinateur du bureau »", exact=True),
        "passkey-removed",
    )
    ui.expect_text("La clé d’accès « Ordinateur du bureau » est retirée.")
    assert not WebAuthnCredential.objects.filter(user=president).exists()
    removed = AuditEvent.objects.get(action="person.second_factor_removed")
    assert removed.data["kind"] == "webauthn" and removed.actor_id == president.pk
    ui.finish()
