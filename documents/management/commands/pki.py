"""manage.py pki init | show | issue <username> [--role R] | revoke <username> [--reason …]"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents import pki
from documents.models import Certificate


class Command(BaseCommand):
    help = "Manage the platform PKI (CA, seal, timestamp authority, signer certificates)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="Create the CA, seal and TSA certificates if missing.")
        sub.add_parser("show", help="List certificates (never keys).")
        issue = sub.add_parser("issue", help="Issue a new certificate for a person.")
        issue.add_argument("username")
        issue.add_argument("--role", default="", help="Role code (default: each active role).")
        revoke = sub.add_parser("revoke", help="Revoke every certificate of a person.")
        revoke.add_argument("username")
        revoke.add_argument("--reason", default="")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")(**options)

    def do_init(self, **options: Any) -> None:
        for record in pki.init():
            self.stdout.write(f"{record.kind:6} {record.subject}  sha256={record.fingerprint}")

    def do_show(self, **options: Any) -> None:
        for record in Certificate.objects.order_by("kind", "created_at"):
            state = "revoked" if record.is_revoked else "expired" if record.is_expired else "ok"
            self.stdout.write(
                f"{record.kind:6} {state:7} {record.not_after:%Y-%m-%d} {record.subject}  "
                f"sha256={record.fingerprint}"
            )

    def do_issue(self, *, username: str, role: str, **options: Any) -> None:
        person = self._person(username)
        roles = (
            [role] if role else sorted(set(person.mandates.active().values_list("role", flat=True)))
        )
        if not roles:
            raise CommandError(f"{username} has no active mandate; pass --role.")
        for code in roles:
            record = pki.issue_signer_certificate(person, role=code)
            self.stdout.write(f"issued {record.subject}  sha256={record.fingerprint}")

    def do_revoke(self, *, username: str, reason: str, **options: Any) -> None:
        count = pki.revoke(self._person(username), reason=reason)
        self.stdout.write(f"revoked {count} certificate(s) of {username}")

    def _person(self, username: str) -> Any:
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No person with username {username!r}.") from None
