"""`manage.py conventions end-terminations`: end the conventions whose notified termination
takes effect today or earlier (governance.conventions.services.terminations_due), through the
engine. Idempotent: a convention already ended is not due any more. The deadlines runner calls
the same function."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Acts on conventions that fall due: end-terminations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "end-terminations",
            help="End the conventions whose termination takes effect today or earlier.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from governance.conventions.services import terminations_due

        if options["action"] == "end-terminations":
            ended = terminations_due()
            for convention in ended:
                self.stdout.write(f"{convention.reference()}: {convention.get_state_display()}")
            self.stdout.write(f"{len(ended)} convention(s) ended.")
