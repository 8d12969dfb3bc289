"""The dues pages: the list offers the draft form to the director only, a schedule's page
prepares the calls, a call's page records a payment (POST-redirect-GET), out of scope is 404."""

import datetime as dt

import pytest

from governance.dues.models import CallState, DuesCall, DuesPayment, DuesSchedule
from governance.organisations.models import BodyKind, Role
from tests.decisions import board_adopts
from tests.factories import ArmlFactory, MissionLocaleFactory, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    class W:
        arml = ArmlFactory()
        ml = MissionLocaleFactory(arml=arml, name="Mission Locale de Brest")
        director = person_with_role(Role.ARML_DIRECTOR, arml)
        president = person_with_role(Role.PRESIDENT, arml)
        stranger = person_with_role(Role.ARML_DIRECTOR, ArmlFactory())

    return W


def test_draft_prepare_issue_and_pay_through_the_pages(client, w):
    client.force_login(w.director)
    page = client.get("/cotisations/").content.decode()
    assert "Préparer les cotisations d'une année" in page
    response = client.post(
        "/cotisations/",
        {
            "arml": w.arml.pk,
            "year": 2027,
            "base_amount": "800",
            "per_young_amount": "1",
            "due_on": "2027-03-31",
        },
    )
    schedule = DuesSchedule.objects.get()
    assert response.status_code == 302 and response.url == schedule.get_absolute_url()
    page = client.get(schedule.get_absolute_url()).content.decode()
    assert "800,00 € par Mission Locale plus 1,00 € par jeune accompagné" in page
    board_adopts(schedule, kind=BodyKind.AG)
    client.force_login(w.president)
    client.post(f"{schedule.get_absolute_url()}transitions/adopt/", {"comment": ""})
    assert DuesSchedule.objects.get().state == "adopted"
    client.force_login(w.director)
    assert "Jeunes accompagnés par chaque Mission Locale" in (
        client.get(schedule.get_absolute_url()).content.decode()
    )
    client.post(f"{schedule.get_absolute_url()}appels/", {f"young_{w.ml.pk}": "250"})
    call = DuesCall.objects.get()
    assert call.amount == 1050
    client.force_login(w.president)
    client.post(f"{call.get_absolute_url()}transitions/call/", {"comment": ""})
    client.force_login(w.director)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Enregistrer le paiement" in page and "Appel de cotisation" in page
    today = dt.date.today().isoformat()
    response = client.post(
        f"{call.get_absolute_url()}paiements/",
        {"amount": "2000", "paid_on": today, "reference": "VIR-1"},
        follow=True,
    )
    assert "dépasse le reste à payer" in response.content.decode()
    assert not DuesPayment.objects.exists()
    client.post(
        f"{call.get_absolute_url()}paiements/",
        {"amount": "1050", "paid_on": today, "reference": "V"},
    )
    assert DuesCall.objects.get().state == CallState.PAID
    client.force_login(w.stranger)
    assert client.get(call.get_absolute_url()).status_code == 404
    assert client.get(schedule.get_absolute_url()).status_code == 404
    assert "Mission Locale de Brest" not in client.get("/cotisations/").content.decode()
