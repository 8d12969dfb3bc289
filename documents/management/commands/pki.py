"""manage.py pki init | show | issue | revoke | rekey

init                      create the CA, seal and TSA certificates if missing (their keys in
                          the PKCS#11 token when ARML_PKCS11_MODULE is set)
show                      list certificates and where each key lives (never a key)
issue <username> [--role R --capacity LABEL --organisation ORG]
                          issue a new certificate: for one role, or else again for every role
                          the person already has a certificate for, in the same capacity
revoke <username> [--reason …]
rekey [--stdin]           re-encrypt every key stored in the database under a new
                          key-encryption key, read from ARML_NEW_KEY_ENCRYPTION_KEY or stdin
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents import hsm, keys, pki
from documents.capacity import PLATFORM_ORGANISATION, Capacity
from documents.exceptions import DocumentError
from documents.models import Certificate, CertificateKind

NEW_KEK_VARIABLE = "ARML_NEW_KEY_ENCRYPTION_KEY"


class Command(BaseCommand):
    help = "Manage the platform PKI (CA, seal, timestamp authority, signer certificates, keys)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "init",
            help="Create the CA, seal and TSA certificates if missing; "
            "their keys go into the PKCS#11 token when one is set.",
        )
        sub.add_parser("show", help="List certificates and where each key lives (never keys).")
        issue = sub.add_parser(
            "issue",
            help="Issue a new certificate for a person. Without --role: again for "
            "every role they already hold a certificate for, in the same capacity.",
        )
        issue.add_argument("username")
        issue.add_argument("--role", default="", help="Role code, e.g. president.")
        issue.add_argument(
            "--capacity",
            default="",
            help="Capacity printed in the certificate and the signatures, e.g. "
            '"Présidente de l\'ARML" (default: the role code, or the '
            "previous certificate's).",
        )
        issue.add_argument(
            "--organisation",
            default="",
            help=f'Organisation signed for, e.g. "ARML Bretagne" (default: '
            f"{PLATFORM_ORGANISATION!r}, or the previous certificate's).",
        )
        revoke = sub.add_parser("revoke", help="Revoke every certificate of a person.")
        revoke.add_argument("username")
        revoke.add_argument("--reason", default="")
        rekey = sub.add_parser(
            "rekey",
            help=f"Re-encrypt every key kept in the database under a new key-encryption "
            f"key (all or nothing). The current key is ARML_KEY_ENCRYPTION_KEY; "
            f"the new one is read from {NEW_KEK_VARIABLE}, or from standard input "
            f"with --stdin. Then set ARML_KEY_ENCRYPTION_KEY to the new key and "
            f"restart. Running it again is harmless.",
        )
        rekey.add_argument(
            "--stdin",
            action="store_true",
            help="Read the new key-encryption key from standard input.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except DocumentError as exc:
            raise CommandError(str(exc)) from None

    def do_init(self, **options: Any) -> None:
        for record in pki.init():
            self.stdout.write(
                f"{record.kind:6} {record.subject}  sha256={record.fingerprint}  "
                f"key: {hsm.describe_location(record)}"
            )

    def do_show(self, **options: Any) -> None:
        config = hsm.TokenSettings.from_settings()
        if config is None:
            self.stdout.write("No PKCS#11 token: keys are encrypted in the database.")
        else:
            where = "platform and signers'" if hsm.holds_signer_keys() else "platform"
            self.stdout.write(
                f"PKCS#11 token {config.label!r} ({config.module}): new {where} "
                f"keys are created in it."
            )
        for record in Certificate.objects.order_by("kind", "created_at"):
            state = "revoked" if record.is_revoked else "expired" if record.is_expired else "ok"
            self.stdout.write(
                f"{record.kind:6} {state:7} {record.not_after:%Y-%m-%d} {record.subject}  "
                f"sha256={record.fingerprint}  key: {hsm.describe_location(record)}"
            )

    def do_issue(
        self, *, username: str, role: str, capacity: str, organisation: str, **options: Any
    ) -> None:
        person = self._person(username)
        if role:
            previous = self._latest(person, role)
            base = pki.capacity_of(previous) if previous else Capacity(role)
            capacities = [Capacity(role, capacity or base.label, organisation or base.organisation)]
        else:
            records = [self._latest(person, code) for code in self._roles(person)]
            capacities = [pki.capacity_of(r) for r in records if r is not None]
            if not capacities:
                raise CommandError(
                    f"{username} has no certificate yet: pass --role (and "
                    f"--capacity, --organisation)."
                )
            if capacity or organisation:
                raise CommandError("--capacity and --organisation need --role.")
        for wanted in capacities:
            record = pki.issue_signer_certificate(person, capacity=wanted)
            self.stdout.write(
                f"issued {record.subject}  sha256={record.fingerprint}  "
                f"key: {hsm.describe_location(record)}"
            )

    def do_revoke(self, *, username: str, reason: str, **options: Any) -> None:
        count = pki.revoke(self._person(username), reason=reason)
        self.stdout.write(f"revoked {count} certificate(s) of {username}")

    def do_rekey(self, *, stdin: bool, **options: Any) -> None:
        new = sys.stdin.readline().strip() if stdin else os.environ.get(NEW_KEK_VARIABLE, "")
        if not new:
            raise CommandError(
                f"No new key-encryption key: set {NEW_KEK_VARIABLE} or pass --stdin."
            )
        result = keys.rekey(new)
        keys.forget()
        self.stdout.write(
            f"{result.rekeyed} key(s) re-encrypted under the new key-encryption key, "
            f"{result.already} already under it ({result.total} in the database). Now set "
            f"ARML_KEY_ENCRYPTION_KEY to the new key and restart the application."
        )

    def _latest(self, person: Any, role: str) -> Certificate | None:
        return (
            Certificate.objects.filter(kind=CertificateKind.SIGNER, person=person, role=role)
            .order_by("-not_before", "-pk")
            .first()
        )

    def _roles(self, person: Any) -> list[str]:
        return sorted(
            set(
                Certificate.objects.filter(kind=CertificateKind.SIGNER, person=person).values_list(
                    "role", flat=True
                )
            )
        )

    def _person(self, username: str) -> Any:
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No person with username {username!r}.") from None
