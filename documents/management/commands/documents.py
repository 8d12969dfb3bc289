"""manage.py documents gc [--apply] [--grace-minutes N]

Removes stored files that no DocumentVersion refers to: left behind when a transaction rolled
back after the bytes were written. Dry run by default. Files younger than the grace period are
kept, as an in-flight transaction may be about to insert their row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from documents.gc import collect


class Command(BaseCommand):
    help = "Document storage maintenance."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gc = sub.add_parser("gc", help="Remove files no version refers to (dry run by default).")
        gc.add_argument("--apply", action="store_true", help="Really delete the files.")
        gc.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="Keep files younger than this (default 60).",
        )

    def handle(
        self, *args: Any, action: str, apply: bool, grace_minutes: int, **options: Any
    ) -> None:
        orphans = collect(apply=apply, grace=dt.timedelta(minutes=grace_minutes))
        verb = "deleted" if apply else "would delete"
        for key in orphans:
            self.stdout.write(f"{verb} {key}")
        self.stdout.write(f"{len(orphans)} orphan file(s) {verb}.")
