"""Regions, ARMLs and national indicators are reference data: there after `migrate`, and still
there after the flushes that end transactional tests."""

import pytest
from django.core.management import call_command

from governance.organisations.models import Arml, Indicator, Region

NATIONAL = {"ARML-F1-01", "ARML-F2-01", "ARML-G-01"}


def assert_reference_data() -> None:
    assert Region.objects.count() == 18
    assert Region.objects.filter(overseas=True).count() == 5
    assert Arml.objects.filter(region__code__in=Region.objects.values("code")).count() == 18
    assert Arml.objects.get(region__code="76").short_name == "ARML Occitanie"
    assert NATIONAL <= set(Indicator.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_a_migrated_database_holds_the_regions_their_armls_and_the_indicators():
    assert_reference_data()


@pytest.mark.django_db(transaction=True)
def test_a_flush_puts_the_reference_data_back(ledger_purge):
    Arml.objects.filter(region__code="76").update(name="ARML Occitanie, renommée")
    call_command("flush", interactive=False, verbosity=0)
    assert_reference_data()
    # Loading only adds what is missing: a renamed ARML would keep its name.
    from django.apps import apps

    from governance.organisations.reference import load_indicators, load_regions

    Arml.objects.filter(region__code="76").update(name="ARML Occitanie, renommée")
    assert load_regions(apps) == 0 and load_indicators(apps) == 0
    assert Arml.objects.get(region__code="76").name == "ARML Occitanie, renommée"


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_still_finds_them(ledger_purge):
    assert_reference_data()
