"""Deadlines of the conventions room (notifications/deadlines.py): a countersignature awaited
for more than ARML_COUNTERSIGN_REMINDER_DAYS (15) days, in any signature circuit (conventions,
amendments, the dialogue's conclusions). The financial report (CRF) adds its declaration here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import PROCESS, STATUS
from viewflow.workflow.models import Task

from config.labels import roles_label
from notifications import conf
from notifications.deadlines import Due, deadline, every_run
from workflows.circuits import step_of
from workflows.notifications import people_who_may
from workflows.specs import specs_of


@deadline("circuit.countersignature", label=_("Countersignature awaited"))
def countersignature_awaited(today: dt.date, armls: Sequence[int] | None) -> Iterator[Due]:
    tasks = Task.objects.filter(
        flow_task_type="HUMAN",
        status__in=(STATUS.NEW, STATUS.ASSIGNED),
        process__status=PROCESS.NEW,
    ).select_related("process__circuit")
    # The subjects in one query per model, whatever the number of tasks (as the inbox does).
    tasks = tasks.prefetch_related("process__circuit__subject")
    if armls is not None:
        tasks = tasks.filter(process__circuit__arml_id__in=list(armls))
    days = dt.timedelta(days=conf.countersign_days())
    for task in tasks:
        obj = task.process.circuit.subject
        transition, awaited, _exits = step_of(task)
        spec = specs_of(type(obj)).get(transition) if obj is not None else None
        if spec is None or not spec.countersign:
            continue
        waiting = replace(spec, roles=spec.roles & awaited)
        yield Due(
            obj,
            timezone.localdate(task.created) + days,
            what=roles_label(sorted(waiting.roles)),
            people=lambda obj=obj, waiting=waiting: people_who_may(obj, [waiting]),
        )


# A convention whose notified termination takes effect is ended by each run, through the engine,
# once the conventions room exposes terminations_due(now) (its branch; merged on main since).
try:
    from governance.conventions.services import terminations_due
except ImportError:  # pragma: no cover - before the termination by a party is merged
    terminations_due = None
if terminations_due is not None:
    every_run("conventions_terminated")(terminations_due)
