"""Issue 13.15: a party terminates a convention in force by a signed act with a reason and an
effective date no earlier than the convention's notice period; the other parties are notified;
the convention stays in force until that date, then ends by itself (terminations_due)."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from governance.conventions.models import ConventionState
from governance.conventions.rules import add_months
from governance.conventions.services import amendment_create, terminations_due
from tests.decisions import board_adopts
from workflows import errors
from workflows.documents import current_document
from workflows.engine import perform

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REASON = "Fin du dispositif régional au 30 juin."


def last(action):
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


@pytest.fixture
def in_force(world):
    return world.in_force(**world.current())


def terminate(world, conv, effective_on, *, actor=None, comment=REASON):
    data = {"effective_on": effective_on.isoformat() if effective_on else ""}
    return perform(
        world.fresh(conv),
        "terminate",
        actor=actor or world.region_officer,
        comment=comment,
        data=data,
    )


def test_an_effective_date_within_the_notice_period_is_refused_with_the_dates(world, in_force):
    earliest = add_months(TODAY, 3)
    with pytest.raises(errors.InvalidData) as refused:
        terminate(world, in_force, TODAY)  # "with immediate effect": the bug of issue 13.15
    assert refused.value.code == "notice_period" and refused.value.status == 400
    assert earliest.strftime("%d/%m/%Y") in refused.value.message
    assert TODAY.strftime("%d/%m/%Y") in refused.value.message
    attempt = last("convention.refused_attempt")
    assert attempt.data["refusal"]["code"] == "notice_period"
    with pytest.raises(errors.InvalidData) as no_date:
        terminate(world, in_force, None)
    assert no_date.value.code == "effective_date_required"
    with pytest.raises(errors.CommentRequired):
        terminate(world, in_force, earliest, comment="")
    with pytest.raises(errors.InvalidData) as too_late:
        terminate(world, in_force, dt.date(TODAY.year + 3, 1, 1))
    assert too_late.value.code == "after_period"
    assert world.fresh(in_force).state == ConventionState.IN_FORCE


def test_a_party_terminates_by_a_signed_act_and_the_others_are_notified(
    world, in_force, django_capture_on_commit_callbacks
):
    for person in (world.president, world.state_officer, world.region_officer):
        person.email = f"{person.username}@example.org"
        person.save()
    effective = add_months(TODAY, 3)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = terminate(world, in_force, effective)
    conv = outcome.obj
    assert conv.state == ConventionState.TERMINATING and conv.is_in_force
    assert (conv.terminates_on, conv.termination_notified_on) == (effective, TODAY)
    assert conv.terminated_by == world.region_officer and conv.termination_reason == REASON
    event = last("convention.termination_notified")
    assert event.data["effective_on"] == effective.isoformat() and event.data["notice_months"] == 3
    assert event.data["content_version"] == 1 and event.comment == REASON
    document = current_document(conv, "act")
    assert document.versions.get(n=1).signature.signer == world.region_officer
    body = " ".join(document.facts["body"])
    assert (
        REASON in body
        and effective.strftime("%d/%m/%Y") in body
        and "v1" in document.facts["title"]
    )
    notices = [m for m in mail.outbox if "Résiliation" in m.subject]
    assert sorted(m.to[0] for m in notices) == [world.president.email, world.state_officer.email]
    assert (
        conv.reference() in notices[0].subject
        and effective.strftime("%d/%m/%Y") in notices[0].subject
    )
    assert REASON in notices[0].body and "3 mois" in notices[0].body


def test_until_its_date_the_convention_counts_as_in_force(world, in_force, client):
    conv = terminate(world, in_force, add_months(TODAY, 4)).obj
    amendment = amendment_create(
        actor=world.director, convention=conv, year=TODAY.year + 1, changes="", lines=[]
    )
    assert amendment.number == 1
    client.force_login(world.director)
    dashboard = client.get(f"/tableau-de-bord/{world.arml.pk}/").content.decode()
    assert conv.reference() in dashboard
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "En vigueur, résiliation notifiée" in page and "prend effet le" in page
    with pytest.raises(errors.InvalidState):
        terminate(world, conv, add_months(TODAY, 5))  # once
    assert terminations_due() == []  # not yet
    assert world.fresh(conv).state == ConventionState.TERMINATING


def test_it_ends_by_itself_on_its_date_through_the_engine(world, in_force):
    effective = add_months(TODAY, 3)
    conv = terminate(world, in_force, effective).obj
    day_before = timezone.make_aware(
        dt.datetime.combine(effective - dt.timedelta(days=1), dt.time(9))
    )
    with mock.patch(
        "django.utils.timezone.localdate", return_value=effective - dt.timedelta(days=1)
    ):
        assert terminations_due(day_before) == []
    on_the_day = timezone.make_aware(dt.datetime.combine(effective, dt.time(9)))
    with mock.patch("django.utils.timezone.localdate", return_value=effective):
        ended = terminations_due(on_the_day)
        assert terminations_due(on_the_day) == []  # idempotent
    assert [c.pk for c in ended] == [conv.pk]
    conv = world.fresh(conv)
    assert conv.state == ConventionState.TERMINATED
    event = last("convention.terminated")
    assert event.from_state == "terminating" and event.data["transition"] == "end_by_termination"
    assert event.actor_id == event.principal_id == world.region_officer.pk
    assert event.data["content_version"] == 1


def test_the_command_ends_what_is_due(world, capsys):
    conv = world.in_force(**world.current(notice_months=0))
    conv = terminate(world, conv, TODAY).obj  # no notice period in this convention
    call_command("conventions", "end-terminations")
    assert world.fresh(conv).state == ConventionState.TERMINATED
    assert "1 convention(s)" in capsys.readouterr().out


def test_the_arml_terminates_only_on_a_termination_deliberation(world, in_force):
    effective = add_months(TODAY, 3)
    with pytest.raises(errors.DeliberationRequired, match="délibération"):
        terminate(world, in_force, effective, actor=world.president, comment="Dissolution")
    board_adopts(world.fresh(in_force))  # fingerprint "termination:<hash>" while in force
    conv = terminate(world, in_force, effective, actor=world.president, comment="Dissolution").obj
    assert conv.state == ConventionState.TERMINATING


def test_the_page_and_the_api_refuse_an_early_date_without_a_500(world, in_force, client):
    client.force_login(world.state_officer)
    page = client.get(in_force.get_absolute_url()).content.decode()
    assert 'name="data_effective_on"' in page and "Préavis de résiliation" in page
    response = client.post(
        f"/conventions/{in_force.pk}/transitions/terminate/",
        {"comment": REASON, "data_effective_on": TODAY.isoformat()},
        follow=True,
    )
    assert response.status_code == 200 and "Préavis de 3 mois" in response.content.decode()
    api = client.post(
        f"/api/v1/conventions/{in_force.pk}/transitions/terminate/",
        {"comment": REASON, "data": {"effective_on": "demain"}},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "effective_date_required"
    api = client.post(
        f"/api/v1/conventions/{in_force.pk}/transitions/terminate/",
        {"comment": REASON, "data": {"effective_on": TODAY.isoformat()}},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "notice_period"
    assert world.fresh(in_force).state == ConventionState.IN_FORCE


def test_the_notice_period_is_printed_in_the_convention(world):
    conv = world.awaiting(**world.current(notice_months=6))
    document = current_document(conv, "convention")
    texts = [a["text"] for a in document.facts["articles"]]
    assert any("préavis de 6 mois" in t for t in texts)
    assert document.facts["notice_months"] == 6
