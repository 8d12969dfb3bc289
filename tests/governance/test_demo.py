import pytest
from django.apps import apps
from django.core.management import call_command

from governance.organisations.models import Arml, Mandate, MissionLocale, Region, Role

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_demo_twice_gives_the_same_row_counts(capsys, second_factor_on):
    """As `make run` plays it: signing asks for a second factor (the demo's signers confirm
    with the published demo secret they are enrolled with)."""
    call_command("demo")
    first = row_counts()
    call_command("demo")
    assert row_counts() == first
    assert Region.objects.count() == 18 and Arml.objects.count() == 18
    assert Region.objects.filter(overseas=True).count() == 5
    assert MissionLocale.objects.filter(arml__region__code="53").count() == 12
    held = set(Mandate.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    out = capsys.readouterr().out
    assert "presidente" in out and "demo-arml-2026" in out
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from audit.models import AuditEvent
    from documents.models import Signature
    from workflows.second_factor import is_demo

    assert is_demo(TOTPDevice.objects.get(user__username="presidente"))
    signed = AuditEvent.objects.get(action="convention.signed")
    assert signed.data["second_factor"]["kind"] == "totp"
    assert Signature.objects.filter(signer__username="presidente", second_factor="totp").exists()
