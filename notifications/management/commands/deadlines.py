"""manage.py deadlines run | list | schedule

run       send the reminders (ARML_REMINDER_OFFSETS days before each deadline) and overdue
          notices that are due, once each, and the e-mails due for another attempt; run by the
          timer every 15 minutes (scripts/periodic). Running it twice sends nothing twice.
list      print the open deadlines, soonest first, with the days left.
schedule  development: start the self-re-enqueuing task that runs `deadlines run` every
          ARML_DEADLINES_EVERY_MINUTES (15) in the tasks worker (not if one is waiting already).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Deadlines and reminders: `run` sends the reminders and overdue notices due (once each) "
        "and the e-mails to try again; `list` prints the open deadlines; `schedule` starts the "
        "development loop in the tasks worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("run", help="Send what is due (idempotent).")
        sub.add_parser("list", help="Print the open deadlines.")
        sub.add_parser("schedule", help="Start the every-15-minutes task (development).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(options["verbosity"])

    def _run(self, verbosity: int) -> None:
        from notifications.deadlines import run

        counts = run()
        if verbosity:
            self.stdout.write(
                f"{counts['open']} open deadline(s); {counts['reminders']} reminder(s) and "
                f"{counts['overdue']} overdue notice(s) sent"
                + "".join(
                    f"; {n} e-mail(s) {k.removeprefix('emails_')}"
                    for k, n in counts.items()
                    if k.startswith("emails_")
                )
            )

    def _list(self, verbosity: int) -> None:
        from notifications.deadlines import open_deadlines

        for item in open_deadlines():
            state = "OVERDUE" if item.overdue else f"{item.days_left} day(s) left"
            self.stdout.write(f"{item.on}  {state:>16}  {item.label}  {item.obj}")

    def _schedule(self, verbosity: int) -> None:
        from notifications.tasks import schedule_once

        self.stdout.write(schedule_once())
