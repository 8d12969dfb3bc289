"""The finances room's pages: the convention's money page and its payment form (multipart, the
notice attached), the financial report's page and its content form, in French."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from governance.finances.models import FinancialReport, Payment
from governance.finances.services import reports_open
from governance.organisations.models import Role
from tests.conventions.conftest import World
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def world(db):
    w = World()
    w.treasurer = person_with_role(Role.TREASURER, w.arml)
    return w


def logged(person):
    client = Client()
    client.force_login(person)
    return client


def test_the_treasurer_records_a_payment_from_the_page(world):
    conv = world.in_force()
    client = logged(world.treasurer)
    page = client.get(f"/conventions/{conv.pk}/finances/").content.decode()
    assert "Échéancier des versements" in page and "Enregistrer le paiement" in page
    response = client.post(
        f"/conventions/{conv.pk}/finances/versements/",
        {
            "funder": world.state.pk,
            "year": "2026",
            "part": "advance",
            "amount": "82 500,25",
            "received_on": "2026-04-02",
            "reference": "Mandat 2026-118",
            "file": SimpleUploadedFile("avis.pdf", PDF),
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (str(payment.amount), payment.reference) == ("82500.25", "Mandat 2026-118")
    event = AuditEvent.objects.get(action="convention.payment_recorded")
    assert event.data["payment"]["evidence"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert AuditEvent.objects.filter(action="payment.attachment_added").count() == 1
    page = client.get(f"/conventions/{conv.pk}/finances/").content.decode()
    assert "Mandat 2026-118" in page
    assert "non versé" in page  # the balance
    summary = client.get(conv.get_absolute_url()).content.decode()
    assert "Versements et comptes rendus financiers" in summary


def test_a_payment_without_its_notice_or_reference_is_refused_in_french(world):
    conv = world.in_force()
    client = logged(world.treasurer)
    response = client.post(
        f"/conventions/{conv.pk}/finances/versements/",
        {
            "funder": world.state.pk,
            "year": "2026",
            "part": "advance",
            "amount": "10",
            "received_on": "2026-04-02",
            "reference": "",
        },
        follow=True,
    )
    assert "Indiquez la référence du versement" in response.content.decode()
    assert not Payment.objects.exists()
    refusal = AuditEvent.objects.get(action="convention.refused_attempt")
    assert refusal.data["refusal"]["code"] == "reference_required"


def test_outsiders_see_no_payment_form_and_cannot_post(world):
    conv = world.in_force()
    client = logged(world.auditor)
    assert (
        "Enregistrer le paiement"
        not in client.get(f"/conventions/{conv.pk}/finances/").content.decode()
    )
    client.post(
        f"/conventions/{conv.pk}/finances/versements/",
        {
            "funder": world.state.pk,
            "year": "2026",
            "part": "advance",
            "amount": "10",
            "received_on": "2026-04-02",
            "reference": "X",
            "file": SimpleUploadedFile("avis.pdf", PDF),
        },
    )
    assert not Payment.objects.exists()


def test_the_report_opens_after_the_year_and_is_filled_in_from_its_page(world):
    world.in_force()
    opened = reports_open(timezone.make_aware(dt.datetime(2027, 1, 2, 9)))
    assert {(r.year, r.funder_id) for r in opened} == {
        (2026, world.state.pk),
        (2026, world.region.pk),
    }
    assert reports_open(timezone.make_aware(dt.datetime(2027, 1, 3, 9))) == []  # idempotent
    report = FinancialReport.objects.get(funder=world.state)
    assert report.due_on == dt.date(2027, 6, 30)
    client = logged(world.treasurer)
    url = report.get_absolute_url()
    bad = client.post(
        f"{url}contenu/",
        {"action_summary": "Animation.", "charges": "Salaires ; cent ; 2"},
        follow=True,
    )
    assert "Ligne 1 : les montants doivent être des nombres." in bad.content.decode()
    client.post(
        f"{url}contenu/",
        {
            "action_summary": "Animation du réseau.",
            "charges": "Salaires ; 150000 ; 160000,50",
            "income": "",
            "gaps": "Hausse des salaires.",
        },
    )
    report.refresh_from_db()
    assert report.charges == [{"label": "Salaires", "budgeted": "150000.00", "actual": "160000.50"}]
    refused = client.post(f"{url}transitions/sign/", follow=True).content.decode()
    assert "comptes approuvés" in refused
    page = client.get(url).content.decode()
    assert "Subvention : " in page and "Pièces jointes" in page
