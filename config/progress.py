"""Progress of long commands (audit verify; the onboarding and demo commands later), via rich.

    with progress(total, "Verifying the ledger") as advance:
        for done, item in enumerate(items, 1):
            ...
            advance(done)

On a terminal it draws a bar with the count, the time spent and the time left; elsewhere (a log, a
test, cron) it stays silent unless `enabled=True`, and then rich prints the final state once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def progress(
    total: int, description: str, *, stream: IO[str] | None = None, enabled: bool | None = None
) -> Iterator[Callable[[int], None]]:
    """Yields `advance(done)`, to call with the number of items done so far."""
    stream = stream or sys.stderr
    if enabled is None:
        enabled = stream.isatty()
    if not enabled or total <= 0:
        yield _nothing
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[progress.percentage]{task.percentage:>3.0f} %"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(file=stream)) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)
        bar.update(task, completed=total)


def _nothing(done: int) -> None:
    pass
