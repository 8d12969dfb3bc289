"""The three parties accept at the same time (PostgreSQL, real threads): one Join each."""

import pytest
from django.db import connection  # noqa: F401 (skipif)
from viewflow.workflow.models import Task

from audit.verification import verify_ledger
from documents.verification import verify
from governance.dialogues.models import DialogueState, ManagementDialogue
from tests.threads import run_together
from workflows.circuits import Circuit
from workflows.documents import current_document
from workflows.engine import perform

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_purge"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]

RUNS = 20


def accept_together(world, dialogue):
    people = (world.president, world.state_officer, world.region_officer)
    results = run_together(
        *[
            lambda p=p: perform(ManagementDialogue.objects.get(pk=dialogue.pk), "accept", actor=p)
            for p in people
        ]
    )
    return [r for r in results if isinstance(r, Exception)]


def test_twenty_simultaneous_acceptances_all_conclude(world):
    world.in_force()
    dialogues = [world.proposed(world.dialogue(year=2000 + i)) for i in range(RUNS)]
    for dialogue in dialogues:
        assert accept_together(world, dialogue) == []
    for dialogue in dialogues:
        dialogue = ManagementDialogue.objects.get(pk=dialogue.pk)
        assert dialogue.state == DialogueState.CONCLUDED
        joins = Task.objects.filter(
            process=Circuit.for_object(dialogue).get(), flow_task_type="JOIN"
        )
        assert joins.count() == 1 and joins.get().status == "DONE"
        record = current_document(dialogue, "conclusions").versions.order_by("-n").first()
        report = verify(record)
        assert report.ok and len(report.signatures) == 3
    assert verify_ledger().ok
