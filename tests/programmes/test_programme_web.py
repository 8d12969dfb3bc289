import re

import pytest
from django.urls import reverse

from governance.action_plans.services import action_plan_create
from governance.programmes.models import ActionProgress, FunderOpinion, Programme, ProgrammeState
from tests.decisions import board_adopts
from tests.programmes.conftest import QUARTER, TODAY

pytestmark = pytest.mark.django_db


def h1_count(html):
    return len(re.findall(r"<h1[ >]", html))


def test_the_director_drafts_a_programme_and_its_actions_from_the_browser(client, world):
    client.force_login(world.director)
    page = client.get(reverse("governance:programme_create"))
    assert page.status_code == 200
    assert "Élaborer un programme" in page.content.decode()
    response = client.post(
        reverse("governance:programme_create"),
        {"title": "PRA 2026-2028", "start_year": TODAY.year, "end_year": TODAY.year + 2},
    )
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    url = reverse("governance:programme_action_create", args=[programme.pk])
    form = client.get(f"{url}?fonction=2").content.decode()
    assert "Budget de DREETS Bretagne (€)" in form and 'value="2" selected' in form
    response = client.post(
        url,
        {
            "function": "2",
            "title": "Plan régional de formation",
            "objective": "Former les conseillers.",
            "lead_ml": world.ml.pk,
            f"budget-{world.state.pk}": "12 500,50",
            f"budget-{world.region.pk}": "7500",
            f"target-{world.indicator2.pk}": "300",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = programme.actions.get()
    assert action.budget_total == 20000.50 and action.lead == "Mission Locale de Rennes"
    html = client.get(programme.get_absolute_url()).content.decode()
    assert h1_count(html) == 1
    assert "20\xa0000,50" in html and "Soumettre au comité de pilotage" in html
    assert "2. Professionnalisation du réseau" in html


def test_a_bad_amount_is_a_form_error_and_nothing_is_saved(client, world):
    programme = world.programme(actions=[])
    client.force_login(world.director)
    response = client.post(
        reverse("governance:programme_action_create", args=[programme.pk]),
        {
            "function": "1",
            "title": "X",
            "objective": "Y",
            f"budget-{world.state.pk}": "douze",
        },
    )
    assert response.status_code == 200 and "douze" in response.content.decode()
    assert not programme.actions.exists()


def test_the_edit_pages_are_closed_once_submitted(client, world):
    programme = world.submitted()
    client.force_login(world.director)
    assert client.get(reverse("governance:programme_edit", args=[programme.pk])).status_code == 403
    action = programme.actions.first()
    url = reverse("governance:programme_action_edit", args=[action.pk])
    assert client.get(url).status_code == 403


def test_a_funder_comments_and_marks_from_the_page(client, world):
    programme = world.submitted()
    action = programme.actions.order_by("pk").first()
    client.force_login(world.state_officer)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Commentaire de DREETS Bretagne sur cette action" in html
    response = client.post(
        reverse("governance:programme_opinion", args=[action.pk]),
        {"text": "Action prioritaire."},
        follow=True,
    )
    assert "Commentaire enregistré." in response.content.decode()
    client.post(reverse("governance:programme_mark", args=[action.pk]), {"funds": "yes"})
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Action prioritaire." in html and "finance cette action" in html
    assert FunderOpinion.objects.get().funder == world.state


def test_the_director_sees_no_funder_form_and_a_refusal_is_explained(client, world):
    programme = world.programme()
    action = programme.actions.first()
    client.force_login(world.state_officer)
    response = client.post(
        reverse("governance:programme_opinion", args=[action.pk]), {"text": "Tôt"}, follow=True
    )
    assert "uniquement pendant la consultation" in response.content.decode()
    client.force_login(world.director)
    html = client.get(world.submitted().get_absolute_url()).content.decode()
    assert "Commentaire de" not in html


def test_quarterly_progress_from_the_page_with_its_history(client, world):
    programme = world.in_execution()
    action = programme.actions.get(title__startswith="Animer")
    client.force_login(world.staff)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Enregistrer l’avancement" in html or "Enregistrer l'avancement" in html
    response = client.post(
        reverse("governance:programme_progress", args=[action.pk]),
        {
            "year": TODAY.year,
            "quarter": QUARTER,
            "status": "delayed",
            "percent_done": "25",
            "measure-PRA-T-01": "9",
            "comment": "Report d'une réunion.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Avancement enregistré." in html
    assert "En retard" in html and "PRA-T-01 : 9" in html
    assert ActionProgress.objects.get().measurements == {"PRA-T-01": "9"}
    bad = client.post(
        reverse("governance:programme_progress", args=[action.pk]),
        {"year": TODAY.year, "quarter": QUARTER, "status": "on_track", "percent_done": "140"},
        follow=True,
    )
    assert "100" in bad.content.decode() and ActionProgress.objects.count() == 1


def test_the_director_attaches_the_programme_from_the_page(client, world):
    programme = world.validated()
    convention = world.convention_in_force()
    client.force_login(world.director)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert 'name="data_convention"' in html
    client.post(
        reverse("governance:programme_transition", args=[programme.pk, "contract"]),
        {"data_convention": convention.pk, "data_amendment": ""},
    )
    programme = world.fresh(programme)
    assert programme.state == ProgrammeState.CONTRACTED and programme.convention == convention


def test_linked_action_plans_are_shown_under_their_action(client, world):
    programme = world.validated()
    action = programme.actions.order_by("pk").first()
    plan = action_plan_create(
        actor=world.ml_director,
        mission_locale=world.ml,
        title="Référents santé",
        summary="Un référent par ML.",
        budget="1000.00",
        programme_action=action,
    )
    client.force_login(world.ml_director)
    form = client.get(reverse("governance:action_plan_create")).content.decode()
    assert "Action du PRA mise en œuvre" in form and action.title in form
    client.force_login(world.president)
    html = client.get(programme.get_absolute_url()).content.decode()
    section = html.split(f'id="action-{action.pk}"')[1].split("</article>")[0]
    assert plan.reference() in section


def test_an_action_plan_cannot_link_another_arml_action(world):
    from django.core.exceptions import ValidationError

    from governance.programmes.services import ActionInput, programme_create

    foreign = programme_create(
        actor=world.other_director,
        arml=world.other_arml,
        title="PRA PDL",
        start_year=TODAY.year,
        end_year=TODAY.year,
        actions=[ActionInput(function=1, title="A", objective="B")],
    )
    with pytest.raises(ValidationError):
        action_plan_create(
            actor=world.ml_director,
            mission_locale=world.ml,
            title="X",
            summary="Y",
            budget="1.00",
            programme_action=foreign.actions.get(),
        )


@pytest.mark.parametrize("who", ["director", "president", "state_officer", "ars_officer"])
def test_the_pages_render_in_french_for_each_role(client, world, who):
    programme = world.submitted()
    board_adopts(programme)
    client.force_login(getattr(world, who))
    listing = client.get(reverse("governance:programme_list")).content.decode()
    assert "Programmes régionaux d'animation (PRA)" in listing or "Programmes régionaux" in listing
    assert programme.reference() in listing
    html = client.get(programme.get_absolute_url()).content.decode()
    assert h1_count(html) == 1
    assert "Budget par fonction et par financeur" in html
    assert "Cycle de vie" in html
    if who == "president":
        assert "Valider le programme" in html


def test_the_menu_links_to_the_programmes(client, world):
    client.force_login(world.director)
    html = client.get("/").content.decode()
    assert reverse("governance:programme_list") in html


def test_the_inbox_shows_the_submission_to_the_director(client, world):
    programme = world.programme()  # a draft awaits its director's submission
    client.force_login(world.director)
    assert programme.reference() in client.get("/").content.decode()
