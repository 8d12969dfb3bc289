"""The centre's tasks (django.tasks; the worker `manage.py db_worker` runs them).

- send_notification: one e-mail attempt (services.send_attempt);
- deadlines_tick: `deadlines run` every ARML_DEADLINES_EVERY_MINUTES (15). django-tasks-db has
  no periodic tasks: each run enqueues the next one with `run_after`. Production runs
  `manage.py deadlines run` from its timer instead (scripts/periodic); in development start the
  loop once with `manage.py deadlines schedule`. Several loops are harmless (a reminder goes
  out once), only wasteful.
"""

from __future__ import annotations

import logging

from django.tasks import task, task_backends
from django.utils import timezone

log = logging.getLogger(__name__)


@task
def send_notification(pk: int) -> str:
    from notifications.services import send_attempt

    return send_attempt(pk)


@task
def deadlines_tick(reschedule: bool = True) -> dict[str, int]:
    from notifications.deadlines import run

    try:
        counts = run()
    except Exception:
        log.exception("deadlines run failed; the next run tries again")
        counts = {}
    if reschedule:
        schedule()
    return counts


def schedule() -> bool:
    """Enqueue the next deadlines_tick; False if the backend cannot defer it (the immediate
    backend would run it at once, for ever)."""
    from notifications import conf

    if not task_backends[deadlines_tick.backend].supports_defer:
        log.warning("the task backend cannot defer tasks: use the timer for `deadlines run`")
        return False
    deadlines_tick.using(run_after=timezone.now() + conf.deadlines_every()).enqueue()
    return True


def schedule_once() -> str:
    """Start the loop unless a deadlines_tick already waits in the queue; says what it did."""
    if not task_backends[deadlines_tick.backend].supports_defer:
        return "The task backend cannot defer tasks: run `manage.py deadlines run` from a timer."
    try:
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=deadlines_tick.module_path
        )
        if waiting.exists():
            return "A deadlines task already waits in the queue: nothing to do."
    except Exception:  # another backend: enqueue all the same
        pass
    deadlines_tick.enqueue()
    return "Deadlines task enqueued: the worker runs it now, then every 15 minutes."
