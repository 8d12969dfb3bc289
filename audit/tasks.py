"""The ledger's periodic work as a django.tasks task: a checkpoint when one is due.

Production runs `manage.py audit checkpoint --if-due` from a timer (README § Audit ledger).
Where a worker runs (django-tasks-db, set up in config/), the task can keep itself going
instead: django-tasks-db has no periodic tasks, so each run enqueues the next one
ARML_CHECKPOINT_MINUTES later (at least a minute), on a backend that supports `run_after`.
Start the loop once with `manage.py audit checkpoint --schedule`. Several loops are harmless
(a checkpoint is made only when due, and made once), only wasteful.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import task, task_backends
from django.utils import timezone

log = logging.getLogger(__name__)


@task
def checkpoint_tick(reschedule: bool = True) -> int | None:
    """Make a checkpoint if one is due; returns its tree size, or None."""
    from audit.checkpoints import checkpoint_if_due
    from audit.services import LedgerError

    try:
        checkpoint = checkpoint_if_due()
    except LedgerError:
        log.exception("ledger checkpoint not made; the next run tries again")
        checkpoint = None
    if reschedule:
        schedule()
    return None if checkpoint is None else checkpoint.tree_size


def schedule(*, delay: dt.timedelta | None = None) -> bool:
    """Enqueue the next run of checkpoint_tick; False if the backend cannot defer it (the
    immediate backend would run it at once, for ever)."""
    from audit import conf

    if not task_backends[checkpoint_tick.backend].supports_defer:
        log.warning("the task backend cannot defer tasks: use the timer for ledger checkpoints")
        return False
    if delay is None:
        delay = dt.timedelta(minutes=max(conf.checkpoint_minutes(), 1))
    checkpoint_tick.using(run_after=timezone.now() + delay).enqueue()
    return True
