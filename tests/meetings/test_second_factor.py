"""Issue 13, signing under the signer's sole control: every transition that signs (signer or
countersign slots, a certified extract) asks for a second factor — refused without one (403,
its code, a ledger row), accepted with a TOTP code or a recovery code (the event and the
signature record which), one confirmation valid for a window per session or token; over the
engine, the API and the pages; enrolment from the profile, an admin reset in the ledger."""

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from audit.models import AuditEvent
from documents.verification import verify
from governance.meetings.models import Deliberation, Meeting
from governance.meetings.services import extract_request_create, vote_record
from governance.organisations.models import Person
from tests.conftest import enrol_totp
from tests.factories import PersonFactory
from workflows import errors, second_factor
from workflows.engine import perform
from workflows.second_factor import Proof, current_code

pytestmark = pytest.mark.usefixtures("second_factor_on")

JSON = "application/json"


def ready_to_close(board) -> Meeting:
    """In session with every vote recorded: `close` (the chair's signature) is next."""
    meeting = board.in_session()
    for item in meeting.items.exclude(kind="information"):
        for voter in meeting.voices(item):
            vote_record(
                item=item,
                actor=board.secretary,
                voter=Person.objects.get(pk=voter),
                choice="for",
            )
    return Meeting.objects.get(pk=meeting.pk)


def code_of(person) -> str:
    return current_code(TOTPDevice.objects.get(user=person, confirmed=True))


def next_step(board) -> None:
    """Past the TOTP step just used: django-otp never accepts the same step twice."""
    board.clock.move_to(timezone.now() + dt.timedelta(seconds=31))


def refusals(obj, code) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action__endswith=".refused_attempt", object_id=str(obj.pk))
    return [e for e in events if e.data["refusal"]["code"] == code]


# -- the engine ------------------------------------------------------------------------------
def test_a_signature_without_second_factor_is_refused_and_ledgered(board):
    enrol_totp(board.president)
    meeting = ready_to_close(board)  # convene, open, start: acts that sign nothing pass
    with pytest.raises(errors.SecondFactorRequired) as caught:
        perform(meeting, "close", actor=board.president)
    assert caught.value.status == 403 and caught.value.code == "second_factor_required"
    assert Meeting.objects.get(pk=meeting.pk).state == "in_session"
    [row] = refusals(meeting, "second_factor_required")
    assert row.actor_id == board.president.pk and row.data["refusal"]["transition"] == "close"


def test_a_person_without_any_device_is_told_to_enrol(board):
    meeting = ready_to_close(board)
    with pytest.raises(errors.SecondFactorRequired, match="profil"):
        perform(meeting, "close", actor=board.president)


def test_a_totp_code_confirms_and_the_event_and_the_signature_say_so(board):
    enrol_totp(board.president)
    meeting = ready_to_close(board)
    outcome = perform(
        meeting, "close", actor=board.president, proof=Proof(code=code_of(board.president))
    )
    assert outcome.obj.state == "closed"
    assert outcome.event.data["second_factor"]["kind"] == "totp"
    signature = outcome.document.signature
    assert signature.signer == board.president and signature.second_factor == "totp"
    report = verify(outcome.document)
    assert report.ok and report.signatures[0].second_factor == "totp"
    assert report.as_dict()["signatures"][0]["second_factor"] == "totp"


def test_a_wrong_code_is_refused_ledgered_and_counted_against_the_device(board):
    device = enrol_totp(board.president)
    meeting = ready_to_close(board)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(errors.SecondFactorInvalid) as caught:
        perform(meeting, "close", actor=board.president, proof=Proof(code=wrong))
    assert caught.value.status == 403 and caught.value.code == "second_factor_invalid"
    assert len(refusals(meeting, "second_factor_invalid")) == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # recorded after the rollback
    assert Meeting.objects.get(pk=meeting.pk).state == "in_session"


def test_the_same_code_does_not_sign_twice(board):
    enrol_totp(board.president)
    meeting = ready_to_close(board)
    code = code_of(board.president)
    perform(meeting, "close", actor=board.president, proof=Proof(code=code))
    board.step(
        meeting,
        "sign_minutes",
        actor=board.secretary,
        proof=second_factor.Confirmed("totp", timezone.now()),
    )
    request = extract_request_create(
        deliberation=Deliberation.objects.get(meeting=meeting), actor=board.director
    )
    with pytest.raises(errors.SecondFactorInvalid):
        perform(request, "issue", actor=board.president, proof=Proof(code=code))


def test_one_confirmation_lasts_the_window_on_its_channel_then_expires(board, settings):
    settings.ARML_SECOND_FACTOR_MINUTES = 10
    enrol_totp(board.president)
    enrol_totp(board.secretary, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    meeting = ready_to_close(board)
    confirmed_at = timezone.now()
    perform(
        meeting,
        "close",
        actor=board.president,
        proof=Proof(channel="session-a", code=code_of(board.president)),
    )
    board.step(
        meeting,
        "sign_minutes",
        actor=board.secretary,
        proof=Proof(channel="session-b", code=code_of(board.secretary)),
    )
    deliberation = Deliberation.objects.get(meeting=meeting)
    first, second, third = (
        extract_request_create(deliberation=deliberation, actor=board.director) for _ in range(3)
    )
    # 9 minutes later, on the same channel: no code asked, the event names the confirmation.
    board.clock.move_to(confirmed_at + dt.timedelta(minutes=9))
    outcome = perform(first, "issue", actor=board.president, proof=Proof(channel="session-a"))
    assert outcome.event.data["second_factor"]["kind"] == "totp"
    assert outcome.document.signature.second_factor == "totp"
    # Another channel (another session, a stolen cookie's) is not confirmed; nor another person.
    with pytest.raises(errors.SecondFactorRequired):
        perform(second, "issue", actor=board.president, proof=Proof(channel="session-b"))
    # 11 minutes after the code: the window is over.
    board.clock.move_to(confirmed_at + dt.timedelta(minutes=11))
    with pytest.raises(errors.SecondFactorRequired):
        perform(second, "issue", actor=board.president, proof=Proof(channel="session-a"))
    perform(
        second,
        "issue",
        actor=board.president,
        proof=Proof(channel="session-a", code=code_of(board.president)),
    )
    assert perform(third, "issue", actor=board.president, proof=Proof(channel="session-a"))


def test_a_recovery_code_signs_once(board):
    enrol_totp(board.president)
    codes = second_factor.recovery_codes_generate(person=board.president)
    assert len(codes) == 10 and len(set(codes)) == 10
    meeting = ready_to_close(board)
    outcome = perform(meeting, "close", actor=board.president, proof=Proof(code=codes[0]))
    assert outcome.event.data["second_factor"]["kind"] == "recovery"
    assert outcome.document.signature.second_factor == "recovery"
    assert StaticToken.objects.filter(device__user=board.president).count() == 9
    board.step(
        meeting,
        "sign_minutes",
        actor=board.secretary,
        proof=second_factor.Confirmed("totp", timezone.now()),
    )
    request = extract_request_create(
        deliberation=Deliberation.objects.get(meeting=meeting), actor=board.director
    )
    with pytest.raises(errors.SecondFactorInvalid):
        perform(request, "issue", actor=board.president, proof=Proof(code=codes[0]))
    next_step(board)  # the wrong code slowed the device down (django-otp's back-off)
    outcome = perform(request, "issue", actor=board.president, proof=Proof(code=codes[1].upper()))
    assert outcome.obj.state == "issued"
    assert StaticToken.objects.filter(device__user=board.president).count() == 8


def test_a_refused_act_does_not_use_up_the_recovery_code(board):
    enrol_totp(board.president)
    codes = second_factor.recovery_codes_generate(person=board.president)
    meeting = board.in_session()  # votes missing: closing is refused before the code is read
    with pytest.raises(errors.ConditionsUnmet):
        perform(meeting, "close", actor=board.president, proof=Proof(code=codes[0]))
    assert StaticToken.objects.filter(token=codes[0]).exists()


# -- the API ---------------------------------------------------------------------------------
def test_the_api_signs_with_an_otp_field_and_keeps_the_window_for_its_token(client, board):
    enrol_totp(board.president)
    meeting = ready_to_close(board)
    _token, key = AuthToken.objects.create(board.president)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    url = f"/api/v1/meetings/{meeting.pk}/transitions/close/"
    r = client.post(url, {"comment": ""}, content_type=JSON, **auth)
    assert r.status_code == 403 and r.json()["code"] == "second_factor_required"
    assert len(refusals(meeting, "second_factor_required")) == 1
    r = client.post(url, {"otp": "000000x"}, content_type=JSON, **auth)
    assert r.status_code == 403 and r.json()["code"] == "second_factor_invalid"
    options = client.get(f"/api/v1/meetings/{meeting.pk}/transitions/", **auth).json()
    assert next(o for o in options if o["name"] == "close")["second_factor"] is True
    r = client.post(url, {"otp": code_of(board.president)}, content_type=JSON, **auth)
    assert r.status_code == 200, r.content
    event = AuditEvent.objects.get(seq=r.json()["event_seq"])
    assert event.action == "meeting.closed" and event.data["second_factor"]["kind"] == "totp"
    # The next signature with the same token, within the window: no code.
    board.step(
        meeting,
        "sign_minutes",
        actor=board.secretary,
        proof=second_factor.Confirmed("totp", timezone.now()),
    )
    request = extract_request_create(
        deliberation=Deliberation.objects.get(meeting=meeting), actor=board.director
    )
    r = client.post(
        f"/api/v1/extract-requests/{request.pk}/transitions/issue/", {}, content_type=JSON, **auth
    )
    assert r.status_code == 200, r.content


# -- the pages -------------------------------------------------------------------------------
def test_the_page_asks_for_the_code_then_signs(client, board):
    enrol_totp(board.president)
    meeting = ready_to_close(board)
    client.force_login(board.president)
    url = f"/seances/{meeting.pk}/transitions/close/"
    assert url.startswith(meeting.get_absolute_url())
    r = client.post(url, {"comment": "Séance close."})
    assert r.status_code == 403
    page = r.content.decode()
    assert "Confirmer votre signature" in page and 'name="otp"' in page
    assert 'value="Séance close."' in page  # the act's own fields are carried over
    assert "demo-code" not in page  # DEBUG is off
    assert len(refusals(meeting, "second_factor_required")) == 1
    r = client.post(url, {"comment": "Séance close.", "otp": "12"})
    assert r.status_code == 403 and "incorrect" in r.content.decode()
    next_step(board)  # a person types again after more than django-otp's one-second back-off
    r = client.post(url, {"comment": "Séance close.", "otp": code_of(board.president)})
    assert r.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "closed"
    event = AuditEvent.objects.filter(action="meeting.closed").get()
    assert event.comment == "Séance close." and event.data["second_factor"]["kind"] == "totp"


def test_the_demo_code_is_shown_with_debug_on_for_a_demo_account_only(client, board, settings):
    enrol_totp(board.president)  # the published demo secret
    meeting = ready_to_close(board)
    client.force_login(board.president)
    url = f"/seances/{meeting.pk}/transitions/close/"
    settings.DEBUG = True
    page = client.post(url).content.decode()
    assert "Aide de démonstration" in page and code_of(board.president) in page
    settings.DEBUG = False
    page = client.post(url).content.decode()
    assert "Aide de démonstration" not in page and 'id="demo-code"' not in page
    # DEBUG on, but an account with its own secret: no code shown.
    TOTPDevice.objects.filter(user=board.president).delete()
    enrol_totp(board.president, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    settings.DEBUG = True
    page = client.post(url).content.decode()
    assert "Aide de démonstration" not in page


def test_with_the_setting_off_nothing_is_asked(board, settings):
    settings.ARML_SECOND_FACTOR_REQUIRED = False
    meeting = ready_to_close(board)
    outcome = perform(meeting, "close", actor=board.president)
    assert "second_factor" not in outcome.event.data
    assert outcome.document.signature.second_factor == ""


# -- enrolment and reset ---------------------------------------------------------------------
def test_enrolment_from_the_profile_page(client, board):
    person = board.president
    client.force_login(person)
    page = client.get("/profil/").content.decode()
    assert "Second facteur" in page and "aucune" in page
    assert client.post("/profil/second-facteur/totp/nouveau/").status_code == 302
    page = client.get("/profil/second-facteur/totp/").content.decode()
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    assert second_factor.secret_of(device) in page and "otpauth://totp/" in page
    r = client.post("/profil/second-facteur/totp/", {"otp": "999999x"})
    assert r.status_code == 400
    r = client.post("/profil/second-facteur/totp/", {"otp": current_code(device)})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    codes = list(StaticToken.objects.filter(device__user=person).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in r.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action="person.second_factor_enrolled")
    assert event.actor_id == person.pk and event.data == {"kind": "totp", "recovery_codes": 10}
    assert not any(code in str(event.data) for code in codes)
    # New recovery codes, or another app, need the current factor: a stolen session cookie
    # must not swap in its own authenticator and then sign.
    for url in ("/profil/second-facteur/codes-de-secours/", "/profil/second-facteur/totp/nouveau/"):
        assert client.post(url).status_code == 302
    assert StaticToken.objects.filter(token__in=codes).count() == 10
    assert TOTPDevice.objects.filter(user=person).count() == 1
    refused = AuditEvent.objects.filter(action="person.refused_attempt", object_id=str(person.pk))
    assert {e.data["refusal"]["code"] for e in refused} == {"second_factor_required"}
    assert refused.count() == 2
    next_step(board)
    r = client.post("/profil/second-facteur/codes-de-secours/", {"otp": current_code(device)})
    assert r.status_code == 200
    assert not StaticToken.objects.filter(token__in=codes).exists()
    assert AuditEvent.objects.filter(action="person.recovery_codes_generated").count() == 1


def test_an_administrator_resets_a_second_factor_in_the_ledger(client, board):
    enrol_totp(board.president)
    second_factor.recovery_codes_generate(person=board.president)
    admin = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    r = client.post(
        "/admin/governance/person/",
        {"action": "reset_second_factor", "_selected_action": [board.president.pk]},
    )
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=board.president).exists()
    assert not StaticToken.objects.filter(device__user=board.president).exists()
    event = AuditEvent.objects.get(action="person.second_factor_reset")
    assert event.actor_id == admin.pk and event.object_id == str(board.president.pk)
    assert event.data["removed"] >= 2
    # The back office offers no other way to a device (no secret to read, none to plant).
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
