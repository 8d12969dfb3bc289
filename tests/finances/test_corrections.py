"""A payment recorded by mistake is corrected by a correcting entry (a new negative row pointing
at the original, with its reason), never by editing it: on the page, over the API, in the
ledger and in the totals; refused with a code when nothing is left to take back or the reason
is missing; the database refuses UPDATE, DELETE and TRUNCATE of the payments (SQLite and
PostgreSQL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from rest_framework.test import APIClient

from audit.models import AuditEvent
from governance.finances import selectors, services
from governance.finances.models import Payment
from governance.finances.rules import Correction, correction_refusal
from governance.organisations.models import Role
from tests.conventions.conftest import World
from tests.factories import person_with_role
from tests.finances.test_pages import PDF, logged
from workflows import errors

pytestmark = pytest.mark.django_db
REFUSED = (IntegrityError, DatabaseError)


@pytest.fixture
def world(db):
    w = World()
    w.treasurer = person_with_role(Role.TREASURER, w.arml)
    return w


def pay(world, conv, amount="30000", part="advance"):
    return services.payment_record(
        actor=world.treasurer,
        convention=conv,
        item=services.PaymentInput(
            funder=world.state,
            year=2026,
            part=part,
            amount=Decimal(amount),
            received_on=dt.date(2026, 4, 2),
            reference="Mandat 2026-118",
            filename="avis.pdf",
            content=PDF,
        ),
    )


def paid(conv, world) -> Decimal:
    return selectors.paid_for(conv, 2026, world.state.pk)


def test_the_rule_refuses_without_reason_twice_or_beyond_what_remains():
    def refusal(**kw):
        base = {
            "original": Decimal("100"),
            "corrected": Decimal("0"),
            "amount": Decimal("100"),
            "total_after": Decimal("0"),
            "reason": "doublon",
        }
        found = correction_refusal(Correction(**{**base, **kw}))
        return found[0] if found else None

    assert refusal() is None
    assert refusal(reason="  ") == "reason_required"
    assert refusal(corrected=Decimal("-100")) == "payment_already_reversed"
    assert refusal(amount=Decimal("100.01")) == "correction_exceeds_payment"
    assert refusal(amount=Decimal("10"), total_after=Decimal("-0.01")) == (
        "correction_exceeds_payment"
    )
    assert refusal(amount=Decimal("0")) == "amount_not_positive"
    assert refusal(is_correction=True) == "payment_is_correction"


def test_the_treasurer_cancels_a_payment_from_the_page_and_the_totals_follow(world):
    conv = world.in_force()
    payment = pay(world, conv)
    assert paid(conv, world) == Decimal("30000.00")
    client = logged(world.treasurer)
    url = f"/conventions/{conv.pk}/finances/versements/{payment.pk}/correction/"
    # No reason: refused in French, ledgered with its code, nothing written.
    page = client.post(url, {"reason": " "}, follow=True).content.decode()
    assert "Indiquez le motif de la correction" in page
    assert Payment.objects.count() == 1
    refusal = AuditEvent.objects.filter(action="convention.refused_attempt").latest("seq")
    assert refusal.data["refusal"]["code"] == "reason_required"

    response = client.post(url, {"reason": "Versement saisi deux fois"})
    assert response.status_code == 302
    correction = Payment.objects.get(reverses=payment)
    assert correction.amount == Decimal("-30000.00") and correction.part == "advance"
    assert paid(conv, world) == Decimal("0.00")
    payment.refresh_from_db()
    assert payment.amount == Decimal("30000.00")  # the original is untouched
    event = AuditEvent.objects.get(action="convention.payment_corrected")
    assert event.data["payment"]["corrects"] == payment.pk
    assert event.data["payment"]["amount"] == "-30000.00"
    page = client.get(f"/conventions/{conv.pk}/finances/").content.decode()
    today = dt.date.today().strftime("%d/%m/%Y")
    assert (
        f"Annulé par l'écriture n° {correction.pk} le {today} : Versement saisi deux fois" in page
    )
    (row,) = [r for r in selectors.money_rows(conv) if r.year == 2026 and r.funder == world.state]
    assert row.totals.paid == Decimal("0.00")
    assert next(i for i in row.instalments if i.instalment.part == "advance").status == "unpaid"

    # Already reversed: refused with its code.
    client.post(url, {"reason": "encore"})
    assert Payment.objects.count() == 2
    refusal = AuditEvent.objects.filter(action="convention.refused_attempt").latest("seq")
    assert refusal.data["refusal"]["code"] == "payment_already_reversed"
    # The payment can be recorded again, rightly this time.
    pay(world, conv, "25000")
    assert paid(conv, world) == Decimal("25000.00")


def test_a_partial_correction_over_the_api_and_its_refusals(world):
    conv = world.in_force()
    payment = pay(world, conv, "30000")
    api = APIClient()
    api.force_authenticate(world.treasurer)
    url = f"/api/v1/money/{conv.pk}/payments/{payment.pk}/correction/"
    response = api.post(url, {"reason": "Montant mal saisi", "amount": "5000"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "-5000.00"
    assert response.json()["reverses"] == payment.pk
    assert paid(conv, world) == Decimal("25000.00")
    too_much = api.post(url, {"reason": "x", "amount": "25000.01"}, format="json")
    assert too_much.status_code == 400
    assert too_much.json()["code"] == "correction_exceeds_payment"
    correction_url = f"/api/v1/money/{conv.pk}/payments/{response.json()['id']}/correction/"
    again = api.post(correction_url, {"reason": "x"}, format="json")
    assert again.json()["code"] == "payment_is_correction"
    money = api.get(f"/api/v1/money/{conv.pk}/").json()
    (row,) = [r for r in money["rows"] if r["year"] == 2026 and r["funder"] == world.state.pk]
    assert row["paid"] == "25000.00"
    original = next(p for p in row["payments"] if p["id"] == payment.pk)
    assert original["corrected_by"] == [response.json()["id"]]
    page = logged(world.treasurer).get(f"/conventions/{conv.pk}/finances/").content.decode()
    assert "Corrigé de -5" in page and "Montant mal saisi" in page
    # The rest of it, by default.
    rest = api.post(url, {"reason": "Finalement annulé"}, format="json")
    assert rest.json()["amount"] == "-25000.00"
    assert paid(conv, world) == Decimal("0.00")


def test_only_those_who_record_payments_correct_them(world):
    conv = world.in_force()
    payment = pay(world, conv)
    with pytest.raises(errors.Forbidden):
        services.payment_correct(actor=world.auditor, payment=payment, reason="non")
    logged(world.auditor).post(
        f"/conventions/{conv.pk}/finances/versements/{payment.pk}/correction/", {"reason": "x"}
    )
    assert Payment.objects.count() == 1
    page = logged(world.auditor).get(f"/conventions/{conv.pk}/finances/").content.decode()
    assert "Corriger cette écriture" not in page


def test_the_database_refuses_to_update_or_delete_a_payment(world):
    conv = world.in_force()
    payment = pay(world, conv)
    for statement in (
        "UPDATE governance_payment SET amount = 1 WHERE id = %s",
        "DELETE FROM governance_payment WHERE id = %s",
    ):
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [payment.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE governance_payment CASCADE")
    payment.refresh_from_db()
    assert payment.amount == Decimal("30000.00")
