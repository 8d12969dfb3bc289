"""Signing under the signer's sole control: a second factor before every transition that signs.

The platform holds every signer's key and signs when a logged-in session asks, so a session
cookie alone would sign as the president. Before a transition whose spec `needs_second_factor`
(signer or countersign slots, or `sole_control`), the engine asks for a confirmation:

- a code typed with the request (the page's confirmation form, the API's `otp` field): the
  6 digits of a TOTP app (django-otp's TOTPDevice: replay-protected, throttled) or a recovery
  code (django-otp's StaticDevice: each one works once);
- or a confirmation made on the same channel — the same session, or the same API token —
  less than ARML_SECOND_FACTOR_MINUTES ago, so a president signing five items in a row types one
  code (`SecondFactorConfirmation` rows, by the SHA-256 of the session or token key). A passkey
  (django-otp-webauthn's WebAuthnCredential) confirms this way only: the browser's WebAuthn
  ceremony (workflows/passkeys.py) records a confirmation of kind "webauthn" for the session,
  then the page posts the act. The API stays with codes: a passkey is a browser ceremony.

Refusals: `second_factor_required` (none, or the window passed) and `second_factor_invalid`
(wrong, reused, throttled), both 403 and ledgered by the engine like every refusal. The ledger
event and the signature row record the kind of factor that confirmed the act.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from base64 import b32decode, b32encode
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from workflows import errors
from workflows.models import SecondFactorConfirmation

TOTP_KIND = "totp"
RECOVERY_KIND = "recovery"
WEBAUTHN_KIND = "webauthn"  # a passkey (django-otp-webauthn), through the browser only
KINDS = (TOTP_KIND, WEBAUTHN_KIND, RECOVERY_KIND)

#: The TOTP secret every demo account is enrolled with (README § The demo and the second
#: factor): published, so demo accounts are demo accounts only. Base32, as authenticator apps
#: take it.
DEMO_TOTP_SECRET = "ARMLDEMOSIGNATURE2FA7OTP3PRESIDE"
RECOVERY_CODES = 10


@dataclass(frozen=True)
class Proof:
    """What a request brings: the channel it is authenticated by (the SHA-256 of its session or
    API token key, "" when none) and a code typed with it, if any."""

    channel: str = ""
    code: str = ""


@dataclass(frozen=True)
class Confirmed:
    """A second factor verified: which kind, and when. In-process callers that verified it
    themselves (the demo plays its signers' documented secret) may pass one to the engine."""

    kind: str
    at: dt.datetime

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "confirmed_at": self.at.isoformat()}


def enforced() -> bool:
    return bool(getattr(settings, "ARML_SECOND_FACTOR_REQUIRED", True))


def window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ARML_SECOND_FACTOR_MINUTES)


def needed(spec: Any) -> bool:
    """Whether the engine asks for a second factor before this transition."""
    return enforced() and spec.needs_second_factor


def channel_of(request: Any) -> str:
    """The SHA-256 of what authenticates the request: an API token, else the session."""
    auth = getattr(request, "auth", None)
    if auth is not None:
        key = getattr(auth, "key", None) or getattr(auth, "pk", None) or auth
        return hashlib.sha256(f"token:{key}".encode()).hexdigest()
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return ""
    return hashlib.sha256(f"session:{key}".encode()).hexdigest()


def proof_from(request: Any, code: Any = "") -> Proof:
    return Proof(channel=channel_of(request), code=str(code or "")[:64])


# -- the engine's check ----------------------------------------------------------------------
def confirm(actor: Any, proof: Proof | Confirmed | None, *, now: dt.datetime) -> Confirmed:
    """The confirmation that vouches for `actor` signing now, or SecondFactorRequired /
    SecondFactorInvalid. Runs in the transition's transaction: a code is consumed (a recovery
    code deleted, a TOTP step used) only if the act happens."""
    if isinstance(proof, Confirmed):
        return proof
    proof = proof or Proof()
    code = "".join(proof.code.split()).lower()
    if code:
        kind = _verify(actor, code)
        confirmed = Confirmed(kind, now)
        if proof.channel:
            # The person's lapsed confirmations serve no more: they go as a new one comes.
            SecondFactorConfirmation.objects.filter(
                person=actor, confirmed_at__lte=now - window()
            ).delete()
            SecondFactorConfirmation.objects.create(
                person=actor, channel=proof.channel, kind=kind, confirmed_at=now
            )
        return confirmed
    if proof.channel:
        row = (
            SecondFactorConfirmation.objects.filter(
                person=actor, channel=proof.channel, confirmed_at__gt=now - window()
            )
            .order_by("-confirmed_at")
            .first()
        )
        if row is not None:
            return Confirmed(row.kind, row.confirmed_at)
    if not enrolled(actor):
        raise errors.SecondFactorRequired(
            _(
                "Signing needs a second factor, and you have none yet: enrol an authenticator "
                "app or a passkey from your profile page."
            )
        )
    if has_passkey(actor):
        raise errors.SecondFactorRequired(
            _(
                "Confirm that you are signing: use your passkey, or type the 6-digit code of "
                "your authenticator app, or a recovery code."
            )
        )
    raise errors.SecondFactorRequired(
        _(
            "Confirm that you are signing: type the 6-digit code of your authenticator app, "
            "or a recovery code."
        )
    )


def confirm_channel(*, person: Any, channel: str, kind: str, now: dt.datetime) -> Confirmed:
    """Record a confirmation made outside a request's code (a passkey's ceremony) for the
    channel: the transitions that sign on it within the window are confirmed by `kind`."""
    SecondFactorConfirmation.objects.filter(
        person=person, confirmed_at__lte=now - window()
    ).delete()
    SecondFactorConfirmation.objects.create(
        person=person, channel=channel, kind=kind, confirmed_at=now
    )
    return Confirmed(kind, now)


def confirmation_on(person: Any, channel: str, *, now: dt.datetime) -> Confirmed | None:
    """The channel's latest confirmation of `person` within the window, if any."""
    if not channel:
        return None
    row = (
        SecondFactorConfirmation.objects.filter(
            person=person, channel=channel, confirmed_at__gt=now - window()
        )
        .order_by("-confirmed_at")
        .first()
    )
    return Confirmed(row.kind, row.confirmed_at) if row is not None else None


def _verify(actor: Any, code: str) -> str:
    """The kind of the device that accepts `code`; SecondFactorInvalid otherwise. Six or eight
    digits go to the TOTP devices, anything else to the recovery codes, so a recovery code
    never counts as a wrong TOTP code."""
    devices: list[Any]
    if code.isdigit():
        devices, kind = list(TOTPDevice.objects.devices_for_user(actor, confirmed=True)), TOTP_KIND
    else:
        devices = list(StaticDevice.objects.devices_for_user(actor, confirmed=True))
        kind = RECOVERY_KIND
    throttled = False
    for device in devices:
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        if device.verify_token(code):
            return kind
    if throttled:
        message = _("Too many wrong codes: wait a few seconds, then type the current code.")
    else:
        message = _("This code is wrong, expired or already used: type the current code.")
    raise errors.SecondFactorInvalid(message, devices=tuple((d._meta.label, d.pk) for d in devices))


def count_failure(exc: errors.SecondFactorInvalid) -> None:
    """Record a wrong code against its devices' throttling, after the transition's transaction
    rolled back (it undid django-otp's own count): guessing stays slow."""
    for label, pk in exc.devices:
        model = TOTPDevice if label == TOTPDevice._meta.label else StaticDevice
        device = model.objects.filter(pk=pk).first()
        if device is not None:
            device.throttle_increment(commit=True)


# -- enrolment ---------------------------------------------------------------------------------
def enrolled(person: Any) -> bool:
    return (
        TOTPDevice.objects.filter(user=person, confirmed=True).exists()
        or has_passkey(person)
        or StaticToken.objects.filter(device__user=person, device__confirmed=True).exists()
    )


def has_passkey(person: Any) -> bool:
    return WebAuthnCredential.objects.filter(user=person, confirmed=True).exists()


def passkeys_of(person: Any) -> list[WebAuthnCredential]:
    """The person's passkeys, newest first (name, created, last used)."""
    return list(
        WebAuthnCredential.objects.filter(user=person, confirmed=True).order_by("-created_at")
    )


@transaction.atomic
def passkey_enrolled(
    *, person: Any, credential: WebAuthnCredential, name: str = "", request_info: Any = None
) -> list[str]:
    """A passkey the browser just registered (django-otp-webauthn verified its attestation):
    named, ledgered. Returns the first recovery codes when the person had none (shown once)."""
    from workflows.acts import record

    credential.name = (name.strip() or _("Passkey"))[:64]
    credential.save(update_fields=["name"])
    codes = [] if recovery_codes_left(person) else _new_recovery_codes(person)
    record(
        person,
        "second_factor_enrolled",
        actor=person,
        data={
            "kind": WEBAUTHN_KIND,
            "device": credential.pk,
            "name": credential.name,
            "recovery_codes": len(codes),
        },
        request_info=request_info,
    )
    return codes


def passkey_of(person: Any, pk: int) -> WebAuthnCredential | None:
    return WebAuthnCredential.objects.filter(user=person, pk=pk).first()


@transaction.atomic
def passkey_remove(
    *, person: Any, credential: WebAuthnCredential, request_info: Any = None
) -> None:
    """Remove one of the person's passkeys (the caller checked a current second factor)."""
    from workflows.acts import record

    record(
        person,
        "second_factor_removed",
        actor=person,
        data={"kind": WEBAUTHN_KIND, "device": credential.pk, "name": credential.name},
        request_info=request_info,
    )
    credential.delete()


def totp_device(person: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=person, confirmed=confirmed).order_by("-pk").first()


def secret_of(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it (base32, no padding)."""
    return b32encode(device.bin_key).decode().rstrip("=")


def key_of(secret: str) -> str:
    """The hex key django-otp stores, from a base32 secret."""
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return b32decode(padded).hex()


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def is_demo(device: TOTPDevice | None) -> bool:
    return device is not None and device.key == key_of(DEMO_TOTP_SECRET)


def demo_code(person: Any) -> str:
    """The current code of a demo account — only with DEBUG on, and only for an account
    enrolled with the published demo secret (a demo aid: never in production)."""
    if not settings.DEBUG or person is None or not person.is_authenticated:
        return ""
    device = totp_device(person)
    return current_code(device) if is_demo(device) else ""


def totp_enrolment_start(*, person: Any, secret: str = "") -> TOTPDevice:
    """A new, unconfirmed TOTP device (the previous unconfirmed one is dropped): it counts only
    once a first code proves the app holds the secret."""
    TOTPDevice.objects.filter(user=person, confirmed=False).delete()
    fields = {"key": key_of(secret)} if secret else {}
    return TOTPDevice.objects.create(
        user=person, name=_("Authenticator app"), confirmed=False, **fields
    )


@transaction.atomic
def totp_enrolment_confirm(*, person: Any, code: str, request_info: Any = None) -> list[str]:
    """Confirm the pending device with its first code; it replaces any previous one. Returns the
    new recovery codes when the person had none (shown once)."""
    from workflows.acts import record

    device = totp_device(person, confirmed=False)
    code = "".join(str(code or "").split())
    if device is None:
        raise errors.InvalidData(_("Start the enrolment again from your profile page."))
    if not code.isdigit() or not device.verify_token(code):
        raise errors.InvalidData(
            _("This code does not match: check the app's clock and type the current code.")
        )
    TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = [] if recovery_codes_left(person) else _new_recovery_codes(person)
    record(
        person,
        "second_factor_enrolled",
        actor=person,
        data={"kind": TOTP_KIND, "recovery_codes": len(codes)},
        request_info=request_info,
    )
    return codes


def recovery_codes_left(person: Any) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_generate(*, person: Any, request_info: Any = None) -> list[str]:
    """New recovery codes, replacing the old ones (shown once; stored as django-otp keeps
    them)."""
    from workflows.acts import record

    codes = _new_recovery_codes(person)
    record(
        person,
        "recovery_codes_generated",
        actor=person,
        data={"recovery_codes": len(codes)},
        request_info=request_info,
    )
    return codes


def _new_recovery_codes(person: Any) -> list[str]:
    StaticDevice.objects.filter(user=person).delete()
    device = StaticDevice.objects.create(user=person, name=_("Recovery codes"), confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        token = StaticToken.random_token()
        if not token.isdigit():  # all digits would be taken for a TOTP code
            codes.append(token)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def second_factor_reset(*, person: Any, actor: Any, request_info: Any = None) -> int:
    """An administrator's reset (a lost phone): every device and open confirmation of `person`
    goes; they enrol again from their profile. Ledgered with who reset whose factor."""
    from workflows.acts import record

    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        count, _by_model = model.objects.filter(user=person).delete()
        removed += count
    SecondFactorConfirmation.objects.filter(person=person).delete()
    record(
        person,
        "second_factor_reset",
        actor=actor,
        principal=actor,
        data={"person": person.pk, "username": person.get_username(), "removed": removed},
        request_info=request_info,
    )
    return removed


def demo_enrol(person: Any) -> None:
    """Enrol a demo account with the published demo secret (idempotent)."""
    key = key_of(DEMO_TOTP_SECRET)
    if not TOTPDevice.objects.filter(user=person, key=key, confirmed=True).exists():
        TOTPDevice.objects.filter(user=person).delete()
        TOTPDevice.objects.create(user=person, name="Démo", key=key, confirmed=True)
