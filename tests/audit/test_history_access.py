"""Issue 13.10: an object's history shows network data and other people's refused attempts only
to those who may audit its ARML (auditor, president, ARML director, superuser)."""

import pytest

from governance.models import Role
from tests.workflows.conftest import World

pytestmark = pytest.mark.django_db

IP, AGENT = "203.0.113.7", "Navigateur-espion/1.0"


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def plan(client, world):
    """A plan with one approval by the president and one refused attempt by the staff member,
    each through the API with a recognisable IP address and user agent."""
    plan = world.plan("opinion_given")
    client.force_login(world.people[Role.ARML_STAFF])
    refused = client.post(
        f"/api/v1/action-plans/{plan.pk}/transitions/approve/",
        {},
        content_type="application/json",
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT=AGENT,
    )
    assert refused.status_code == 403
    client.force_login(world.people[Role.PRESIDENT])
    done = client.post(
        f"/api/v1/action-plans/{plan.pk}/transitions/approve/",
        {"comment": "Accord"},
        content_type="application/json",
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT=AGENT,
    )
    assert done.status_code == 200, done.content
    client.logout()
    return plan


def api_history(client, person, plan):
    client.force_login(person)
    response = client.get(f"/api/v1/action-plans/{plan.pk}/history/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PRESIDENT, Role.ARML_DIRECTOR])
def test_auditors_see_network_data_and_every_refusal_over_the_api(client, world, plan, role):
    history = api_history(client, world.people[role], plan)
    actions = [e["action"] for e in history]
    assert "action_plan.refused_attempt" in actions and "action_plan.approved" in actions
    approved = next(e for e in history if e["action"] == "action_plan.approved")
    assert (approved["request_ip"], approved["request_user_agent"]) == (IP, AGENT)


def test_others_get_the_history_without_network_data_nor_others_refusals(client, world, plan):
    history = api_history(client, world.people[Role.BOARD_MEMBER], plan)
    actions = [e["action"] for e in history]
    assert "action_plan.approved" in actions
    assert "action_plan.refused_attempt" not in actions
    assert all("request_ip" not in e and "request_user_agent" not in e for e in history)
    assert IP not in str(history) and AGENT not in str(history)


def test_ones_own_refused_attempt_stays_visible_without_network_data(client, world, plan):
    staff = world.people[Role.ARML_STAFF]
    history = api_history(client, staff, plan)
    refusals = [e for e in history if e["action"] == "action_plan.refused_attempt"]
    assert [e["actor"] for e in refusals] == [staff.pk]
    assert "request_ip" not in refusals[0]


def test_the_full_ledger_api_still_refuses_non_auditors(client, world, plan):
    client.force_login(world.people[Role.BOARD_MEMBER])
    assert client.get("/api/v1/audit/events/").status_code == 403


def page(client, person, plan):
    client.force_login(person)
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def refusal_rows(html):
    return html.count("table-warning")


def test_the_object_page_shows_others_refusals_to_auditors_only(client, world, plan):
    assert refusal_rows(page(client, world.people[Role.AUDITOR], plan)) == 1
    html = page(client, world.people[Role.BOARD_MEMBER], plan)
    from config.labels import event_label

    # the approval is shown in French (config.labels), never as its code
    assert refusal_rows(html) == 0 and f"<td>{event_label('action_plan.approved')}" in html
    assert "action_plan.approved" not in html
    assert refusal_rows(page(client, world.people[Role.ARML_STAFF], plan)) == 1  # their own
    for person in (world.people[Role.AUDITOR], world.people[Role.BOARD_MEMBER]):
        html = page(client, person, plan)
        assert IP not in html and AGENT not in html


def test_the_superuser_sees_everything(client, world, plan):
    from tests.factories import PersonFactory

    admin = PersonFactory(is_superuser=True, is_staff=True)
    history = api_history(client, admin, plan)
    assert {e["action"] for e in history} >= {"action_plan.refused_attempt", "action_plan.approved"}
    assert all("request_ip" in e for e in history)
