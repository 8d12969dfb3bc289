import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from governance.action_plans.models import ActionPlan
from governance.organisations.models import Role

pytestmark = pytest.mark.django_db


def test_a_director_drafts_and_submits_from_the_browser(client, world):
    client.force_login(world.director)
    response = client.post(
        reverse("governance:action_plan_create"),
        {
            "title": "Forum emploi",
            "summary": "Un forum régional.",
            "budget": "8000.50",
            "beneficiaries": [world.ml1.pk],
        },
    )
    plan = ActionPlan.objects.get(title="Forum emploi")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert AuditEvent.objects.filter(action="action_plan.created", object_id=str(plan.pk)).exists()

    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Soumettre la proposition" in page and "<svg" in page and "(état actuel)" in page

    response = client.post(
        reverse("governance:action_plan_transition", args=[plan.pk, "propose"]),
        {"comment": ""},
        follow=True,
    )
    plan.refresh_from_db()
    assert plan.state == "proposed"
    html = response.content.decode()
    assert "Fait : Soumettre la proposition" in html
    assert "Historique" in html and "Documents" in html


def test_a_refusal_is_shown_as_a_message_not_an_error_page(client, world):
    plan = world.plan("opinion_given")
    client.force_login(world.people[Role.AUDITOR])
    response = client.post(
        reverse("governance:action_plan_transition", args=[plan.pk, "approve"]), follow=True
    )
    assert response.status_code == 200
    assert "Cette action est réservée à" in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == "opinion_given"


def test_an_invalid_draft_shows_form_errors(client, world):
    client.force_login(world.director)
    response = client.post(reverse("governance:action_plan_create"), {"title": "", "budget": "-3"})
    assert response.status_code == 200
    assert ActionPlan.objects.count() == 0
    assert "is-invalid" in response.content.decode()


def test_only_ml_directors_may_draft(client, world):
    client.force_login(world.people[Role.AUDITOR])
    assert client.get(reverse("governance:action_plan_create")).status_code == 403


def test_the_api_lists_transitions_and_performs_them(client, world):
    plan = world.plan("opinion_given")
    client.force_login(world.people[Role.PRESIDENT])
    options = client.get(f"/api/v1/action-plans/{plan.pk}/transitions/").json()
    by_name = {o["name"]: o for o in options}
    assert by_name["approve"]["allowed"] is True
    assert by_name["reject"]["comment_required"] is True

    refused = client.post(
        f"/api/v1/action-plans/{plan.pk}/transitions/reject/", {}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "comment_required"

    done = client.post(
        f"/api/v1/action-plans/{plan.pk}/transitions/approve/",
        {"comment": "Accord"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "approved"
    history = client.get(f"/api/v1/action-plans/{plan.pk}/history/").json()
    assert [e["action"] for e in history][-1] == "action_plan.approved"


def test_the_api_explains_why_a_transition_is_closed(client, world):
    plan = world.plan("opinion_given")
    client.force_login(world.people[Role.AUDITOR])
    options = {
        o["name"]: o for o in client.get(f"/api/v1/action-plans/{plan.pk}/transitions/").json()
    }
    assert options["approve"]["allowed"] is False
    assert "réservée" in options["approve"]["reasons"][0]
    response = client.post(
        f"/api/v1/action-plans/{plan.pk}/transitions/approve/", {}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "role_required"
    unknown = client.post(
        f"/api/v1/action-plans/{plan.pk}/transitions/fly/", {}, content_type="application/json"
    )
    assert unknown.status_code == 404


def test_the_api_drafts_a_plan_for_my_mission_locale(client, world):
    client.force_login(world.director)
    response = client.post(
        "/api/v1/action-plans/",
        {
            "title": "Mobilité",
            "summary": "Permis de conduire.",
            "budget": "1500.00",
            "mission_locale": world.ml1.pk,
            "beneficiaries": [world.ml1.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    other = client.post(
        "/api/v1/action-plans/",
        {"title": "X", "summary": "Y", "budget": "1.00", "mission_locale": world.ml2.pk},
        content_type="application/json",
    )
    assert other.status_code == 403


def test_the_api_hides_plans_outside_my_scope(client, world):
    from tests.factories import PersonFactory

    plan = world.plan("draft")
    client.force_login(PersonFactory())
    assert client.get(f"/api/v1/action-plans/{plan.pk}/").status_code == 404


def test_the_next_actors_are_notified_after_commit(world, django_capture_on_commit_callbacks):
    from workflows.engine import perform

    world.people[Role.PRESIDENT].email = "presidente@example.org"
    world.people[Role.PRESIDENT].save()
    plan = world.plan("under_review")
    with django_capture_on_commit_callbacks(execute=True):
        perform(
            plan,
            "give_opinion",
            actor=world.people[Role.COMMITTEE_CHAIR],
            comment="Avis",
            data={"opinion": "favourable"},
        )
    recipients = {r for m in mail.outbox for r in m.to}
    assert "presidente@example.org" in recipients
