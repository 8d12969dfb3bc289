from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.organisations.models import Function
from governance.programmes.selectors import programme_view
from governance.programmes.services import (
    ActionInput,
    programme_action_delete,
    programme_action_save,
    programme_update,
)
from workflows import errors

pytestmark = pytest.mark.django_db


def test_totals_by_action_function_and_funder_are_exact_decimals(world):
    view = programme_view(world.programme())
    f1, f2 = view.functions[0], view.functions[1]
    assert [a.budget_total for a in f1["actions"]] == [Decimal("20000.15"), Decimal("2000.00")]
    assert f1["total"] == Decimal("22000.15") and f2["total"] == Decimal("31234.56")
    assert all(g["total"] == 0 for g in view.functions[2:])
    assert dict(view.funder_totals) == {
        world.state: Decimal("17000.10"),
        world.region: Decimal("35000.05"),
        world.ars: Decimal("1234.56"),
    }
    assert view.total == Decimal("53234.71")
    rows = {row["function"]: row for row in view.matrix}
    assert rows[Function.PUBLIC_SCHEMES]["total"] == Decimal("22000.15")
    assert sum((row["total"] for row in view.matrix), Decimal(0)) == view.total
    assert all(isinstance(t, Decimal) for _f, t in view.funder_totals)


def test_the_content_hash_follows_every_change(world):
    programme = world.programme()
    before = programme.compute_hash()
    action = programme.actions.order_by("pk").first()
    programme_action_save(
        actor=world.staff,
        programme=programme,
        action=action,
        item=ActionInput(
            function=1,
            title=action.title,
            objective=action.objective,
            budget=[(world.state, Decimal("15000.11"))],
        ),
    )
    assert world.fresh(programme).compute_hash() != before


def test_content_changes_only_in_draft_and_by_the_arml_team(world):
    programme = world.programme()
    with pytest.raises(PermissionDenied):
        programme_update(
            actor=world.state_officer,
            programme=programme,
            title="X",
            start_year=2026,
            end_year=2027,
        )
    programme = world.submitted()
    item = ActionInput(function=5, title="Trop tard", objective="—")
    with pytest.raises(errors.InvalidState):
        programme_action_save(actor=world.director, programme=programme, item=item)
    with pytest.raises(errors.InvalidState):
        programme_action_delete(actor=world.director, action=programme.actions.first())


def test_bad_actions_are_refused_with_field_messages(world):
    programme = world.programme()
    other_ml_funder = world.other_region_officer.mandates.get().funder
    item = ActionInput(
        function=7,
        title=" ",
        objective="",
        budget=[(other_ml_funder, Decimal("10.001"))],
    )
    with pytest.raises(ValidationError) as bad:
        programme_action_save(actor=world.director, programme=programme, item=item)
    assert set(bad.value.message_dict) == {"function", "title", "objective", "budget"}
    assert programme.actions.count() == 3


def test_a_draft_action_is_deleted_but_not_one_that_received_opinions(world):
    from governance.programmes.services import funder_opinion_add
    from workflows.engine import perform

    programme = world.programme()
    programme_action_delete(actor=world.director, action=programme.actions.last())
    assert programme.actions.count() == 2
    programme = world.submitted()
    action = programme.actions.first()
    funder_opinion_add(actor=world.state_officer, action=action, text="Avis")
    programme = perform(programme, "return_to_draft", actor=world.director, comment="Revoir").obj
    with pytest.raises(ValidationError):
        programme_action_delete(actor=world.director, action=action)
    assert programme.actions.filter(pk=action.pk).exists()


def test_the_page_reads_a_constant_number_of_queries_whatever_the_number_of_actions(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(programme):
        with CaptureQueriesContext(connection) as captured:
            programme_view(programme, world.director)
        return len(captured)

    small = world.programme()
    big = world.programme(actions=world.actions() * 4)
    assert queries(small) == queries(big) <= 12
