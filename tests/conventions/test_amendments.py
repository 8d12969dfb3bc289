from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from documents.verification import verify
from governance.conventions.models import AmendmentState
from governance.conventions.selectors import amount_history, effective_funding, funding_table
from governance.conventions.services import amendment_create
from tests.decisions import board_adopts
from workflows import errors
from workflows.documents import current_document
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def in_force(world):
    conv = world.awaiting()
    perform(world.fresh(conv), "countersign", actor=world.state_officer)
    perform(world.fresh(conv), "countersign", actor=world.region_officer)
    return world.fresh(conv)


def draft_amendment(world, conv, amount="150000.10"):
    return amendment_create(
        actor=world.director,
        convention=conv,
        year=2027,
        changes="Hausse de la subvention État.",
        lines=[
            {"funder": world.state, "function": 1, "amount": Decimal(amount)},
            {"funder": world.region, "function": 2, "amount": Decimal("80000.25")},
        ],
    )


def signed_amendment(world, conv):
    amendment = draft_amendment(world, conv)
    board_adopts(amendment)
    amendment = perform(amendment, "adopt", actor=world.president).obj
    return perform(amendment, "sign", actor=world.president).obj


def test_an_amendment_in_force_replaces_the_lines_of_its_year(world):
    conv = in_force(world)
    before = funding_table(conv.content)
    amendment = signed_amendment(world, conv)
    perform(amendment, "countersign", actor=world.region_officer)
    amendment = type(amendment).objects.get(pk=amendment.pk)
    perform(amendment, "countersign", actor=world.state_officer)
    amendment = type(amendment).objects.get(pk=amendment.pk)
    assert amendment.state == AmendmentState.IN_FORCE
    assert verify(current_document(amendment, "amendment").versions.order_by("-n").first()).ok

    table = effective_funding(conv)
    assert table.total_for_year(2027) == Decimal("230000.35")  # 150000.10 + 80000.25
    assert table.total_for_year(2026) == before.total_for_year(2026)  # other years unchanged
    assert table.amended_years == {2027: 1}
    assert table.total == before.total - before.total_for_year(2027) + Decimal("230000.35")
    history = {(h["year"], h["funder"].pk): (h["before"], h["after"]) for h in amount_history(conv)}
    assert history[(2027, world.state.pk)] == (Decimal("165000.50"), Decimal("150000.10"))


def test_only_a_convention_in_force_is_amended_and_lines_are_checked(world):
    conv = world.frozen()
    with pytest.raises(ValidationError):
        draft_amendment(world, conv)
    conv = in_force(world)
    with pytest.raises(ValidationError):
        amendment_create(
            actor=world.director,
            convention=conv,
            year=2027,
            changes="",
            lines=[{"funder": world.ars, "function": 1, "amount": Decimal("1.00")}],
        )
    with pytest.raises(ValidationError):
        draft_amendment(world, conv, amount="10.001")


def test_amendment_adoption_needs_its_deliberation(world):
    conv = in_force(world)
    amendment = draft_amendment(world, conv)
    with pytest.raises(errors.ConditionsUnmet):
        perform(amendment, "adopt", actor=world.president)
