import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command

from governance.organisations.models import Arml, BodyKind, Mandate, MissionLocale, Region, Role

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


def test_the_demo_history_lies_in_the_past_and_fills_the_dashboard(client):
    """Issue 11.12: no meeting whose minutes are signed before its date, every convocation
    received, one year concluded, the dashboard populated, the countersignatures waiting."""
    from django.utils import timezone

    from audit.models import AuditEvent
    from governance.conventions.models import Amendment, Convention
    from governance.dialogues.models import ManagementDialogue
    from governance.meetings.models import Invitation, Meeting
    from governance.organisations.models import Person
    from workflows.selectors import awaiting_for

    call_command("demo")
    meetings = Meeting.objects.filter(arml__region__code="53")
    # The board twice (the CPOM, the amendment), the general assembly once (the dues).
    assert sorted(meetings.values_list("body__kind", flat=True)) == sorted(
        [BodyKind.AG, BodyKind.CA, BodyKind.CA]
    )
    now = timezone.now()
    for meeting in meetings:
        assert meeting.state == "minutes_signed" and meeting.starts_at < now
        for action in ("meeting.closed", "meeting.minutes_signed", "meeting.opened"):
            event = AuditEvent.objects.get(action=action, object_id=str(meeting.pk))
            assert event.time >= meeting.starts_at - dt.timedelta(hours=1), action
    invitations = Invitation.objects.filter(meeting__in=meetings)
    assert invitations.exists() and not invitations.filter(received_at=None).exists()
    assert Convention.objects.get(arml__region__code="53").state == "in_force"
    assert ManagementDialogue.objects.get(arml__region__code="53", year=2027).state == "concluded"
    amendment = Amendment.objects.get(convention__arml__region__code="53")
    assert amendment.state == "awaiting_countersignatures"
    state_officer = Person.objects.get(username="etat")
    assert amendment.pk in {item.obj.pk for item in awaiting_for(state_officer)}

    client.force_login(Person.objects.get(username="presidente"))
    dashboard = client.get("/tableau-de-bord/", follow=True).content.decode()
    assert "CPOM-2026-2028-" in dashboard  # its number follows the database's sequence
    assert "Mesure 385.00" in dashboard
    # Nothing late but the dues in arrears (the Missions Locales that have not paid).
    before_dues, dues = dashboard.split('<section aria-labelledby="h-cotisations"', 1)
    assert "En retard" not in before_dues + dues.split("</section>", 1)[1]
    assert "Mission Locale" in dues.split("</section>", 1)[0]  # those in arrears, by name
