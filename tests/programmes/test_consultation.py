import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from governance.programmes.models import FunderOpinion, FundingMark
from governance.programmes.selectors import current_marks, officer_funders, programme_view
from governance.programmes.services import funder_opinion_add, funding_mark_set
from workflows import errors

pytestmark = pytest.mark.django_db


def first_action(programme):
    return programme.actions.order_by("pk").first()


def test_each_funder_comments_and_marks_the_actions_it_funds(world):
    programme = world.submitted()
    action = first_action(programme)
    funder_opinion_add(actor=world.state_officer, action=action, text="Priorité de l'État.")
    funder_opinion_add(actor=world.ars_officer, action=action, text="Hors champ santé.")
    funding_mark_set(actor=world.state_officer, action=action, funds=True)
    funding_mark_set(actor=world.region_officer, action=action, funds=True)
    funding_mark_set(actor=world.region_officer, action=action, funds=False)  # changes its mind
    marks = current_marks(action)
    assert {f: m.funds for f, m in marks.items()} == {world.state.pk: True, world.region.pk: False}
    assert FundingMark.objects.count() == 3  # history kept
    opinion = FunderOpinion.objects.get(funder=world.ars)
    assert opinion.author == world.ars_officer
    event = AuditEvent.objects.filter(action="programme.funder_commented").last()
    assert event.data["funder"] == world.ars.pk and event.comment == "Hors champ santé."
    assert AuditEvent.objects.filter(action="programme.funding_marked").count() == 3


def test_funders_speak_only_during_the_consultation(world):
    programme = world.programme()
    action = first_action(programme)
    with pytest.raises(errors.InvalidState) as refused:
        funder_opinion_add(actor=world.state_officer, action=action, text="Trop tôt")
    assert refused.value.status == 409
    with pytest.raises(errors.InvalidState):
        funding_mark_set(actor=world.state_officer, action=action, funds=True)
    assert not FunderOpinion.objects.exists() and not FundingMark.objects.exists()


def test_only_officers_of_a_funder_of_the_region_speak_for_a_funder(world):
    programme = world.submitted()
    action = first_action(programme)
    for person in (world.director, world.president, world.other_region_officer):
        with pytest.raises(PermissionDenied):
            funder_opinion_add(actor=person, action=action, text="Avis")
    with pytest.raises(PermissionDenied):  # a State officer does not speak for the Region
        funding_mark_set(actor=world.state_officer, action=action, funds=True, funder=world.region)
    assert officer_funders(world.other_region_officer, world.arml) == []
    assert officer_funders(world.state_officer, world.arml) == [world.state]


def test_an_empty_comment_is_refused(world):
    action = first_action(world.submitted())
    with pytest.raises(ValidationError):
        funder_opinion_add(actor=world.state_officer, action=action, text="  ")


def test_an_officer_of_another_region_can_neither_see_nor_comment(world, client):
    programme = world.submitted()
    action = first_action(programme)
    client.force_login(world.other_region_officer)
    assert client.get(programme.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/programmes/{programme.pk}/").status_code == 404
    assert world.fresh(programme).reference() not in client.get("/programmes/").content.decode()
    response = client.post(f"/programmes/actions/{action.pk}/avis/", {"text": "Intrus"})
    assert response.status_code == 404
    api = client.post(
        f"/api/v1/programmes/{programme.pk}/opinions/",
        {"action": action.pk, "text": "Intrus"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert not FunderOpinion.objects.exists()


def test_opinions_and_marks_are_append_only(world):
    action = first_action(world.submitted())
    opinion = funder_opinion_add(actor=world.state_officer, action=action, text="Avis")
    opinion.text = "Réécrit"
    with pytest.raises(ValidationError):
        opinion.save()
    mark = funding_mark_set(actor=world.state_officer, action=action, funds=True)
    with pytest.raises(ValidationError):
        mark.delete()


def test_the_page_shows_marks_next_to_each_budget_line(world):
    programme = world.submitted()
    action = first_action(programme)
    funding_mark_set(actor=world.state_officer, action=action, funds=True)
    funding_mark_set(actor=world.ars_officer, action=action, funds=False)
    view = programme_view(programme)
    shown = view.functions[0]["actions"][0]
    rows = {row["funder"]: row["mark"] for row in shown.budget_rows}
    assert rows[world.state].funds is True and rows[world.region] is None
    assert [m.funder for m in shown.unbudgeted_marks] == [world.ars]
