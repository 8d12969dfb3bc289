import importlib

import pytest

from tests.factories import ArmlFactory, person_with_role

# The ledger_purge fixture moved to tests/conftest.py (the engine's concurrency tests need it).
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
