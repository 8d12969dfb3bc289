"""Simultaneous countersigning by State and Region (PostgreSQL, real threads)."""

import pytest
from django.db import connection  # noqa: F401 (skipif)
from viewflow.workflow.models import Task

from audit.models import AuditEvent
from audit.verification import verify_ledger
from documents.verification import verify
from governance.conventions.models import Convention, ConventionState
from tests.threads import run_together
from workflows.circuits import Circuit
from workflows.documents import current_document
from workflows.engine import perform
from workflows.flows.agreement import AgreementCircuit
from workflows.flows.countersign import CountersignCircuit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_purge"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]

RUNS = 20


def countersign_together(world, conv):
    officers = (world.state_officer, world.region_officer)
    results = run_together(
        *[
            lambda o=o: perform(Convention.objects.get(pk=conv.pk), "countersign", actor=o)
            for o in officers
        ]
    )
    return [r for r in results if isinstance(r, Exception)]


def test_twenty_simultaneous_countersignings_all_reach_in_force(world):
    conventions = [world.awaiting() for _ in range(RUNS)]
    for conv in conventions:
        assert countersign_together(world, conv) == []
    for conv in conventions:
        conv = Convention.objects.get(pk=conv.pk)
        assert conv.state == ConventionState.IN_FORCE
        # its signature circuit (the funders' agreement on the version ran before)
        process = Circuit.for_object(conv).order_by("-pk").first()
        assert process.flow_class is CountersignCircuit
        joins = Task.objects.filter(process=process, flow_task_type="JOIN")
        assert joins.count() == 1 and joins.get().status == "DONE"
        report = verify(current_document(conv, "convention").versions.order_by("-n").first())
        assert report.ok and len(report.signatures) == 3
    assert verify_ledger().ok


def agree_together(world, conv):
    officers = (world.state_officer, world.region_officer)
    results = run_together(
        *[
            lambda o=o: perform(Convention.objects.get(pk=conv.pk), "agree", actor=o)
            for o in officers
        ]
    )
    return [r for r in results if isinstance(r, Exception)]


def test_simultaneous_agreements_freeze_the_version_once(world):
    conventions = [
        perform(world.negotiating(), "request_agreement", actor=world.director).obj
        for _ in range(RUNS // 2)
    ]
    for conv in conventions:
        assert agree_together(world, conv) == []
    for conv in conventions:
        conv = Convention.objects.get(pk=conv.pk)
        assert conv.state == ConventionState.FROZEN and conv.frozen_version == 1
        process = Circuit.for_object(conv).get()
        assert process.flow_class is AgreementCircuit and process.status == "DONE"
        assert conv.agreements.count() == 2
        frozen = [
            e for e in AuditEvent.objects.filter(object_id=str(conv.pk), action="convention.frozen")
        ]
        assert len(frozen) == 1
    assert verify_ledger().ok
