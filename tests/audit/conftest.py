import importlib

import pytest
from django.db import connection

from tests.factories import ArmlFactory, person_with_role

triggers = importlib.import_module("audit.migrations.0002_ledger_triggers")


@pytest.fixture
def arml(db):
    return ArmlFactory()


@pytest.fixture
def other_arml(db):
    return ArmlFactory()


@pytest.fixture
def auditor(arml):
    return person_with_role("auditor", arml)


@pytest.fixture
def ledger_purge(transactional_db):
    """For transaction=True tests: empty the ledger tables (triggers lifted for the moment)
    before the test database is flushed, since the triggers refuse to empty them."""
    yield
    triggers.drop(connection)
    with connection.cursor() as cursor:
        for table in ("audit_auditevent", "audit_checkpoint", "audit_merklechunk"):
            cursor.execute(f"DELETE FROM {table}")
    triggers.install(connection)
