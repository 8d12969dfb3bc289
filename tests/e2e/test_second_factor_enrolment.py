"""Issue 13, browser test: a president with no second factor who tries to issue a certified
extract is sent to enrol; they enrol an authenticator app from the profile page (the secret and
the otpauth address shown, a first code confirms it, ten recovery codes shown once), then issue
the extract with a code; the signature report says the act was confirmed by TOTP."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

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
from workflows.second_factor import current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_president_enrols_from_the_profile_then_issues_an_extract(ui, ledger_purge):
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

    # 1. Issuing asks for a second factor she does not have: the form sends her to her profile.
    ui.login(president)
    ui.goto(request.get_absolute_url(), "extract-request")
    ui.submit(
        page.get_by_role("button", name="Délivrer l’extrait certifié", exact=True), "asked-to-enrol"
    )
    ui.expect_text("Confirmer votre signature", "vous n’en avez pas encore")
    ui.follow("Enregistrer un second facteur depuis mon profil", "profile")
    ui.expect_text("Second facteur pour signer", "Application d’authentification (TOTP) : aucune.")

    # 2. She enrols her authenticator app: the secret and the otpauth address, then a code.
    ui.press("Enregistrer une application d’authentification", "totp-secret")
    secret = page.locator("#totp-secret").inner_text().strip()
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(user=president, confirmed=False)
    assert len(secret) == 32
    page.get_by_label("Code affiché par l’application").fill(current_code(device))
    ui.press("Confirmer l’enregistrement", "recovery-codes")
    ui.expect_text("Vos codes de secours", "ne sont affichés que cette fois")
    assert page.locator("#recovery-codes li").count() == 10
    ui.follow("Retour à mon profil", "profile-enrolled")
    ui.expect_text("Application d’authentification (TOTP) : enregistrée.", "10 restants")

    # 3. She issues the extract with a code of her app (Ui.press fills the confirmation form).
    ui.goto(request.get_absolute_url(), "extract-request-again")
    ui.press("Délivrer l’extrait certifié", "extract-issued")
    assert ExtractRequest.objects.get(pk=request.pk).state == "issued"
    signature = Signature.objects.get(signer=president)
    assert signature.second_factor == "totp"
    event = AuditEvent.objects.get(action="extract_request.issued")
    assert event.data["second_factor"]["kind"] == "totp"
    ui.goto(signature.version.get_absolute_url(), "signature-report")
    ui.expect_text("Confirmée par", "second facteur : application d’authentification (TOTP)")
    assert AuditEvent.objects.filter(action="person.second_factor_enrolled").count() == 1
    ui.finish()
