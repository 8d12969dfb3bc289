"""Migration 0010: each existing amendment becomes its version 1, with its statement, its lines
and the hash the ledger, the deliberations and the signed PDFs already name; and back."""

import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("governance", "0009_meetings_records_triggers")]
AFTER = [("governance", "0010_versions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    return executor.migrate(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """Unapplying 0010 also unapplies what depends on it (0011's reference data, other apps'
    migrations): the tests after this one need every migration applied again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def old_hash(convention_id, number, year, changes, lines):
    text = json.dumps(
        {
            "convention": convention_id,
            "number": number,
            "year": year,
            "changes": changes,
            "lines": lines,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def test_amendments_become_their_version_1_and_back():
    apps = migrate(BEFORE)
    get = apps.get_model
    region = get("governance", "Region").objects.create(code="99", name="Testland")
    arml = get("governance", "Arml").objects.create(region=region, name="ARML T", short_name="AT")
    funder = get("governance", "Funder").objects.create(region=region, kind="state", name="État T")
    person = get("governance", "Person").objects.create(username="drafter")
    convention = get("governance", "Convention").objects.create(arml=arml, state="in_force")
    get("governance", "ConventionVersion").objects.create(
        convention=convention,
        n=1,
        title="T",
        start_year=2026,
        end_year=2027,
        sha256="x",
        created_by=person,
    )
    amendment = get("governance", "Amendment").objects.create(
        arml=arml, convention=convention, number=1, year=2027, changes="Hausse.", state="draft"
    )
    get("governance", "AmendmentLine").objects.create(
        amendment=amendment, funder=funder, function=1, amount="10.50"
    )
    expected = old_hash(convention.pk, 1, 2027, "Hausse.", [[funder.pk, 1, "10.50"]])

    apps = migrate(AFTER)
    version = apps.get_model("governance", "AmendmentVersion").objects.get(
        amendment_id=amendment.pk
    )
    assert (version.n, version.origin, version.changes) == (1, "drafted", "Hausse.")
    assert version.sha256 == expected and version.created_by_id == person.pk
    line = apps.get_model("governance", "AmendmentLine").objects.get(version=version)
    assert str(line.amount) == "10.50"
    assert apps.get_model("governance", "ConventionVersion").objects.get().origin == "drafted"

    apps = migrate(BEFORE)
    back = apps.get_model("governance", "Amendment").objects.get(pk=amendment.pk)
    assert back.changes == "Hausse."
    assert apps.get_model("governance", "AmendmentLine").objects.get().amendment_id == amendment.pk
