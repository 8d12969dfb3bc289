"""A payment of dues recorded by mistake is corrected by a correcting entry (negative, pointing
at the original, with its reason), never edited: the call's received and left to pay follow, a
settled call is reopened, refusals carry their code; the database refuses UPDATE, DELETE and
TRUNCATE of the register of dues paid (SQLite and PostgreSQL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from governance.dues import services
from governance.dues.models import CallState, DuesCall, DuesPayment
from governance.dues.selectors import dues_years
from tests.dues.test_dues_path import adopted, arml, people  # noqa: F401 (fixtures)
from tests.factories import MissionLocaleFactory
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db
REFUSED = (IntegrityError, DatabaseError)


@pytest.fixture
def call(arml, people):  # noqa: F811
    MissionLocaleFactory(arml=arml)
    schedule = adopted(arml, people, per_young="0")
    (prepared,) = services.dues_calls_prepare(actor=people["director"], schedule=schedule)
    return perform(prepared, "call", actor=people["president"]).obj


def test_a_settled_call_is_reopened_when_its_payment_is_cancelled(call, people):  # noqa: F811
    payment = services.dues_payment_record(actor=people["director"], call=call, amount="1000")
    call.refresh_from_db()
    assert call.state == CallState.PAID
    with pytest.raises(errors.Forbidden):
        services.dues_payment_correct(actor=people["staff"], payment=payment, reason="x")
    with pytest.raises(errors.InvalidData) as refused:
        services.dues_payment_correct(actor=people["director"], payment=payment, reason="")
    assert refused.value.code == "reason_required"
    correction = services.dues_payment_correct(
        actor=people["director"], payment=payment, reason="Virement d'une autre ML"
    )
    assert correction.amount == Decimal("-1000.00") and correction.reverses == payment
    call = DuesCall.objects.get(pk=call.pk)
    assert call.state == CallState.CALLED
    assert (call.paid(), call.left_to_pay()) == (Decimal("0.00"), Decimal("1000.00"))
    (year,) = dues_years(call.arml)
    assert (year.paid, year.left) == (Decimal("0.00"), Decimal("1000.00"))
    actions = list(
        AuditEvent.objects.filter(object_id=str(call.pk), action__startswith="dues_call.")
        .exclude(action="dues_call.refused_attempt")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "dues_call.settled",
        "dues_call.payment_corrected",
        "dues_call.reopened",
    ]
    with pytest.raises(errors.InvalidData) as refused:
        services.dues_payment_correct(actor=people["director"], payment=payment, reason="bis")
    assert refused.value.code == "payment_already_reversed"
    # Paid again, rightly: settled again.
    services.dues_payment_record(actor=people["director"], call=call, amount="1000")
    assert DuesCall.objects.get(pk=call.pk).state == CallState.PAID


def test_the_page_shows_the_correction_and_the_api_refuses_too_much(call, people):  # noqa: F811
    payment = services.dues_payment_record(actor=people["director"], call=call, amount="400")
    api = APIClient()
    api.force_authenticate(people["director"])
    url = f"/api/v1/dues-calls/{call.pk}/payments/{payment.pk}/correction/"
    too_much = api.post(url, {"reason": "erreur", "amount": "400.01"}, format="json")
    assert too_much.status_code == 400
    assert too_much.json()["code"] == "correction_exceeds_payment"
    response = api.post(url, {"reason": "Montant erroné", "amount": "100"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "-100.00"
    rows = api.get(f"/api/v1/dues-calls/{call.pk}/payments/").json()
    original = next(r for r in rows if r["id"] == payment.pk)
    assert original["corrected_by"] == [response.json()["id"]]
    assert api.get(f"/api/v1/dues-calls/{call.pk}/").json()["paid"] == "300.00"
    client = Client()
    client.force_login(people["director"])
    page = client.get(call.get_absolute_url()).content.decode()
    assert f"par l'écriture n° {response.json()['id']}" in page and "Montant erroné" in page
    # From the page: the rest of it.
    client.post(
        f"/cotisations/appels/{call.pk}/paiements/{payment.pk}/correction/",
        {"reason": "Finalement annulé"},
    )
    assert DuesPayment.objects.get(reverses=payment, reason="Finalement annulé").amount == (
        Decimal("-300.00")
    )
    assert DuesCall.objects.get(pk=call.pk).left_to_pay() == Decimal("1000.00")


def test_the_database_refuses_to_update_or_delete_a_payment_of_dues(call, people):  # noqa: F811
    payment = services.dues_payment_record(
        actor=people["director"], call=call, amount="400", paid_on=dt.date.today()
    )
    for statement in (
        "UPDATE governance_duespayment SET amount = 1 WHERE id = %s",
        "DELETE FROM governance_duespayment WHERE id = %s",
    ):
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [payment.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE governance_duespayment CASCADE")
    payment.refresh_from_db()
    assert payment.amount == Decimal("400.00")
