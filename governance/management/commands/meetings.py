"""`manage.py meetings verify`: recompute the minutes of every closed or lapsed meeting from the
rows and compare them with what the ledger recorded when it closed (issue 13.6). Exits 1 on any
difference. (audit/ imports nothing from governance/ and exposes no verification hook: this is
the meetings room's own command, run next to `manage.py audit verify`.)"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Meetings: verify that deliberations, votes, attendance and proxies match the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute each closed meeting's minutes from the rows.")

    def handle(self, *args: Any, **options: Any) -> None:
        from governance.meetings.evidence import verify
        from governance.meetings.models import FINISHED, LAPSES, Meeting

        findings = verify()
        for finding in findings:
            self.stdout.write(
                self.style.ERROR(f"MISMATCH meeting {finding.label}: {finding.problem}")
            )
        checked = Meeting.objects.filter(state__in=[*FINISHED, *LAPSES]).count()
        line = f"{checked} closed or lapsed meeting(s) checked, {len(findings)} mismatch(es)."
        if findings:
            self.stdout.write(self.style.ERROR(line))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(line))
