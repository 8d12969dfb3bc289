"""The State officer's inbox costs the same number of queries for 2 and for 8 dialogues
awaiting the meeting record (rules that read the parties must not query per object)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.dialogues.models import ManagementDialogue
from governance.organisations.models import Person
from workflows.selectors import awaiting_for

pytestmark = pytest.mark.django_db


def queries_for(pk):
    with CaptureQueriesContext(connection) as ctx:
        items = awaiting_for(Person.objects.get(pk=pk))
    return len(ctx.captured_queries), len(items)


def add_dialogues(world, years):
    for year in years:
        ManagementDialogue.objects.create(arml=world.arml, year=year, state="file_transmitted")


def test_the_officers_inbox_does_not_query_per_dialogue(world):
    world.in_force()
    add_dialogues(world, (2030, 2031))
    queries_for(world.state_officer.pk)  # warm caches
    few, n_few = queries_for(world.state_officer.pk)
    add_dialogues(world, range(2032, 2038))
    many, n_many = queries_for(world.state_officer.pk)
    assert (n_few, n_many) == (2, 8)
    assert many == few
