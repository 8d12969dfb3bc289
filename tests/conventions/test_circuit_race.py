"""Simultaneous countersigning by State and Region (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection
from viewflow.workflow.models import Task

from audit.verification import verify_ledger
from documents.verification import verify
from governance.models import Convention, ConventionState
from workflows.circuits import Circuit
from workflows.documents import current_document
from workflows.engine import perform

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_purge"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]

RUNS = 20


def countersign_together(world, conv):
    barrier = threading.Barrier(2)
    errors = []

    def run(officer):
        try:
            barrier.wait(timeout=10)
            perform(Convention.objects.get(pk=conv.pk), "countersign", actor=officer)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(o,)) for o in (world.state_officer, world.region_officer)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_twenty_simultaneous_countersignings_all_reach_in_force(world):
    conventions = [world.awaiting() for _ in range(RUNS)]
    for conv in conventions:
        assert countersign_together(world, conv) == []
    for conv in conventions:
        conv = Convention.objects.get(pk=conv.pk)
        assert conv.state == ConventionState.IN_FORCE
        process = Circuit.for_object(conv).get()
        joins = Task.objects.filter(process=process, flow_task_type="JOIN")
        assert joins.count() == 1 and joins.get().status == "DONE"
        report = verify(current_document(conv, "convention").versions.order_by("-n").first())
        assert report.ok and len(report.signatures) == 3
    assert verify_ledger().ok
