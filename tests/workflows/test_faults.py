"""A fault at any step of perform() leaves nothing behind: no state, no event, no version."""

import pytest

from audit.models import AuditEvent
from documents import gc, signing, storage
from documents.models import Document, DocumentVersion
from documents.renderers.kinds import ActionPlanRenderer
from governance.organisations.models import Role
from workflows import errors
from workflows.engine import perform

pytestmark = pytest.mark.django_db


def boom(*args, **kwargs):
    raise RuntimeError("injected fault")


def assert_nothing_changed(plan, events_before):
    plan.refresh_from_db()
    assert plan.state == "opinion_given" and plan.version == 0
    assert AuditEvent.objects.count() == events_before
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


@pytest.mark.parametrize(
    "target,attr",
    [
        (ActionPlanRenderer, "content"),  # render
        (signing, "prepare_and_sign"),  # sign
        (storage, "write"),  # storage
    ],
    ids=["render", "sign", "storage"],
)
def test_a_fault_while_producing_the_document_changes_nothing(world, monkeypatch, target, attr):
    plan = world.plan("opinion_given")
    events_before = AuditEvent.objects.count()
    monkeypatch.setattr(target, attr, boom)
    with pytest.raises((RuntimeError, errors.DocumentFailed)):
        perform(plan, "approve", actor=world.people[Role.PRESIDENT])
    assert_nothing_changed(plan, events_before)
    assert gc.orphans(grace=__import__("datetime").timedelta(0)) == []


def test_a_fault_in_the_ledger_append_changes_nothing_and_leaves_no_file(world, monkeypatch):
    import workflows.engine

    plan = world.plan("opinion_given")
    events_before = AuditEvent.objects.count()
    monkeypatch.setattr(workflows.engine, "append", boom)  # the engine's ledger write
    with pytest.raises(RuntimeError):
        perform(plan, "approve", actor=world.people[Role.PRESIDENT])
    monkeypatch.undo()
    assert_nothing_changed(plan, events_before)
    assert gc.orphans(grace=__import__("datetime").timedelta(0)) == []
