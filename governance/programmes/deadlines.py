"""Deadlines of the programmes room (notifications/deadlines.py): the quarterly progress of a
programme in execution, due the last day of each quarter, for every action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.programmes.models import ActionProgress, Programme, ProgrammeState
from governance.programmes.rules import REPORTERS
from notifications.deadlines import Due, deadline, in_armls, people_with_roles


def quarter_end(year: int, quarter: int) -> dt.date:
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@deadline("programme.quarterly_progress", label=_("Quarterly progress of the PRA"))
def quarterly_progress(today: dt.date, armls: Sequence[int] | None) -> Iterator[Due]:
    """From the quarter execution started (its ledger event) to the current one: each quarter
    whose progress is missing for an action is open."""
    from audit.models import AuditEvent

    programmes = list(
        in_armls(
            Programme.objects.filter(state=ProgrammeState.IN_EXECUTION)
            .select_related("arml")
            .annotate(n_actions=Count("actions")),
            armls,
        )
    )
    if not programmes:
        return
    ids = [str(p.pk) for p in programmes]
    started: dict[str, dt.datetime] = {}
    for object_id, time in (
        AuditEvent.objects.filter(
            object_type=Programme._meta.label_lower,
            object_id__in=ids,
            action="programme.execution_started",
        )
        .order_by("seq")
        .values_list("object_id", "time")
    ):
        started[object_id] = time  # the latest wins
    reported: dict[tuple[int, int, int], int] = {
        (pk, year, quarter): n
        for pk, year, quarter, n in ActionProgress.objects.filter(action__programme__in=programmes)
        .values_list("action__programme", "year", "quarter")
        .annotate(n=Count("action", distinct=True))
        .values_list("action__programme", "year", "quarter", "n")
    }
    for programme in programmes:
        start = started.get(str(programme.pk))
        first = quarter_of(timezone.localdate(start)) if start else (programme.start_year, 1)
        last = min(quarter_of(today), (programme.end_year, 4))
        year, quarter = first
        while (year, quarter) <= last:
            if reported.get((programme.pk, year, quarter), 0) < programme.n_actions:
                yield Due(
                    programme,
                    quarter_end(year, quarter),
                    what=f"{year}-T{quarter}",
                    people=lambda arml=programme.arml_id: people_with_roles(arml, REPORTERS),
                )
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
