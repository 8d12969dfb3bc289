"""Issue 15: the task list is grouped (to sign, to approve, to prepare, deadlines), each line
leads with its action, the menu shows the count, and the list is paginated."""

import re

import pytest
from django.urls import reverse

from workflows.selectors import awaiting_for

pytestmark = pytest.mark.django_db


def home(client, person, query="") -> str:
    client.force_login(person)
    return " ".join(client.get(reverse("home") + query).content.decode().split())


def test_a_countersignature_is_to_sign_and_counted_in_the_menu(client, world):
    world.awaiting()
    items = awaiting_for(world.state_officer)
    assert [item.group for item in items] == ["sign"]  # due in 15 days: not yet urgent
    html = home(client, world.state_officer)
    assert re.search(r'<h3 class="h6 mt-3" id="inbox-sign">À signer <span[^>]*>1</span>', html)
    line = re.search(r'<li class="list-group-item">(.*?)</li>', html).group(1)
    assert line.startswith('<a href="') and line.split("—")[0].endswith(
        "<strong>Contresigner (Contre-signature de l&#x27;État)</strong> "
    )
    menu = re.search(r'<nav class="site-menu".*?</nav>', html).group(0)
    assert re.search(
        r'Accueil <span class="badge[^>]*>1<span class="visually-hidden"> tâches', menu
    )


def test_drafts_are_to_prepare_and_agreements_to_approve(client, world):
    world.convention()
    assert {item.group for item in awaiting_for(world.director)} == {"prepare"}
    conv = world.negotiating()
    from workflows.engine import perform

    perform(conv, "request_agreement", actor=world.director)
    assert "approve" in {item.group for item in awaiting_for(world.state_officer)}


def test_the_list_is_paginated(client, world, monkeypatch):
    from governance.organisations import views

    world.convention()
    world.convention(title="Un autre CPOM")
    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 1)
    first = home(client, world.director)
    assert "Page 1 sur 2" in first and "?page=2" in first
    # the count is over every page
    assert re.search(r'id="inbox-prepare">À préparer <span[^>]*>2</span>', first)
    second = home(client, world.director, "?page=2")
    assert "Page 2 sur 2" in second


def test_what_is_due_within_a_week_goes_under_deadlines(client, world, time_machine):
    import datetime as dt

    world.awaiting()
    time_machine.move_to(dt.datetime.now() + dt.timedelta(days=10))
    assert [item.group for item in awaiting_for(world.state_officer)] == ["deadline"]
    assert re.search(
        r'id="inbox-deadline">Échéances <span[^>]*>1</span>', home(client, world.state_officer)
    )
