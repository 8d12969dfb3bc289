"""Real concurrency needs PostgreSQL row locks: these tests skip on SQLite."""

import pytest
from django.db import connection  # noqa: F401 (skipif)

from audit.models import AuditEvent
from audit.verification import verify_ledger
from governance.action_plans.models import ActionPlan
from governance.organisations.models import Role
from tests.threads import run_together
from workflows import errors
from workflows.engine import perform

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_purge"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]


def test_two_conflicting_transitions_exactly_one_wins(world):
    plan = world.plan("opinion_given")
    president = world.people[Role.PRESIDENT]
    results = run_together(
        lambda: perform(ActionPlan.objects.get(pk=plan.pk), "approve", actor=president),
        lambda: perform(
            ActionPlan.objects.get(pk=plan.pk), "postpone", actor=president, comment="x"
        ),
    )
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], errors.Conflict)
    plan.refresh_from_db()
    assert plan.state == wins[0].obj.state and plan.version == 1
    # The e-mails sent after commit are ledgered on the object too (notification.*).
    transitions = (
        AuditEvent.objects.filter(object_id=str(plan.pk))
        .exclude(action__endswith="refused_attempt")
        .exclude(action__startswith="notification.")
    )
    assert transitions.count() == 1
    report = verify_ledger()
    assert report.ok, report.failures
