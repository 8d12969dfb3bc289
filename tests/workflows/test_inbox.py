import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.organisations.models import Role
from workflows.selectors import awaiting_for

pytestmark = pytest.mark.django_db


def count_queries(func):
    with CaptureQueriesContext(connection) as ctx:
        result = func()
    return len(ctx.captured_queries), result


def test_the_inbox_lists_what_awaits_me_and_nothing_else(world):
    mine = world.plan("opinion_given")
    world.plan("draft")  # the director's, not the president's
    items = awaiting_for(world.people[Role.PRESIDENT])
    assert [item.obj.pk for item in items] == [mine.pk]
    assert items[0].action == "Approuver"


def test_the_inbox_excludes_plans_where_a_rule_forbids_me(world):
    from tests.factories import give_mandate

    give_mandate(world.director, Role.PRESIDENT, world.arml)
    world.plan("opinion_given")  # submitted by the director, now also president
    assert awaiting_for(world.director) == []


def test_the_inbox_runs_a_constant_number_of_queries(world):
    from governance.organisations.models import Person

    pk = world.people[Role.PRESIDENT].pk
    for _ in range(10):
        world.plan("opinion_given").beneficiaries.set([world.ml1])
    few, items = count_queries(lambda: awaiting_for(Person.objects.get(pk=pk)))
    assert len(items) == 10
    for _ in range(90):
        world.plan("opinion_given").beneficiaries.set([world.ml2])
    many, items = count_queries(lambda: awaiting_for(Person.objects.get(pk=pk)))
    assert len(items) == 100
    # One query per lifecycle model and per deadline kind (notifications/deadlines.py, which
    # marks what is due and overdue), never per object.
    assert many == few <= 22


def test_the_inbox_is_scoped_to_my_armls(world):
    from governance.action_plans.models import ActionPlan
    from tests.factories import ArmlFactory, MissionLocaleFactory, PersonFactory

    other = ArmlFactory()
    ml = MissionLocaleFactory(arml=other)
    ActionPlan.objects.create(
        arml=other,
        mission_locale=ml,
        title="Ailleurs",
        summary=".",
        budget=1,
        submitted_by=PersonFactory(),
        state="opinion_given",
    )
    assert awaiting_for(world.people[Role.PRESIDENT]) == []
