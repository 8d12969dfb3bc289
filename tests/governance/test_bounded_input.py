"""Issue 13.1: bounded input and a render within a time budget.

A 2 MB summary is refused at once (400, `too_long`, the field named) before anything renders;
a render past `ARML_RENDER_TIMEOUT` aborts the transition (400, `render_timeout`), nothing
changed. The timing of the refusal is measured in the report, not asserted here."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Document
from documents.renderers.base import CHUNK, _pieces
from governance.action_plans.services import action_plan_create
from governance.organisations import limits
from tests.workflows.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return World()


def draft(client, world, summary):
    client.force_login(world.director)
    return client.post(
        "/api/v1/action-plans/",
        {
            "title": "Mobilité",
            "summary": summary,
            "budget": "1500.00",
            "mission_locale": world.ml1.pk,
        },
        content_type="application/json",
    )


def test_a_2_mb_summary_is_refused_with_a_400_naming_the_field(client, world):
    response = draft(client, world, "x" * 2_000_000)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "too_long"
    assert "summary" in body["errors"] and "« summary »" in body["detail"]
    assert "au plus" in body["detail"]  # the French sentence gives the bound
    assert not world.arml.action_plans.exists()


def test_the_bound_is_the_models_own_so_services_refuse_too(world):
    with pytest.raises(ValidationError) as refused:
        action_plan_create(
            actor=world.director,
            mission_locale=world.ml1,
            title="Mobilité",
            summary="x" * (limits.TEXT + 1),
            budget="10.00",
        )
    assert "summary" in refused.value.message_dict


def test_a_long_comment_on_a_page_is_refused_too(client, world):
    plan = world.plan("draft")
    client.force_login(world.director)
    response = client.post(
        reverse("governance:action_plan_transition", args=[plan.pk, "propose"]),
        {"comment": "x" * (limits.COMMENT + 1)},
    )
    plan.refresh_from_db()
    assert plan.state == "draft"
    assert response.status_code in (302, 400)


@override_settings(ARML_RENDER_TIMEOUT=20)
def test_within_its_budget_the_worker_renders_the_document(client, world):
    response = draft(client, world, "Trois journées régionales. " * 300)
    assert response.status_code == 201
    plan_id = response.json()["id"]
    done = client.post(
        f"/api/v1/action-plans/{plan_id}/transitions/propose/", {}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    version = Document.objects.get(object_id=str(plan_id)).versions.get()
    assert version.size > 1000


def test_past_its_budget_the_render_aborts_the_transition(client, world):
    response = draft(client, world, "Trois journées régionales. " * 300)
    plan_id = response.json()["id"]
    events = AuditEvent.objects.count()
    with override_settings(ARML_RENDER_TIMEOUT=0.001):  # no PDF renders in a millisecond
        refused = client.post(
            f"/api/v1/action-plans/{plan_id}/transitions/propose/",
            {},
            content_type="application/json",
        )
    assert refused.status_code == 400
    assert refused.json()["code"] == "render_timeout"
    assert "trop" in refused.json()["detail"]  # French: « … trop longs … »
    assert world.arml.action_plans.get().state == "draft"
    assert AuditEvent.objects.count() == events
    assert not Document.objects.exists()
    with override_settings(ARML_RENDER_TIMEOUT=20):  # the next render has a fresh worker
        done = client.post(
            f"/api/v1/action-plans/{plan_id}/transitions/propose/",
            {},
            content_type="application/json",
        )
    assert done.status_code == 200, done.content


def test_long_texts_are_cut_in_pieces_that_keep_every_word():
    text = ("Une phrase de l'action plan. " * 2000) + "fin"
    pieces = list(_pieces(text))
    assert len(pieces) > 10 and all(len(p) <= CHUNK for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert "".join(_pieces("x" * (3 * CHUNK))) == "x" * (3 * CHUNK)


def test_a_summary_just_past_its_bound_names_the_models_bound(client, world):
    response = draft(client, world, "x" * (limits.TEXT + 1))
    assert response.status_code == 400 and response.json()["code"] == "too_long"
    assert str(limits.TEXT) in response.json()["detail"]
