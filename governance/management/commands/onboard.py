"""manage.py onboard <folder or files> [--apply] [--send-links] [--links]

Onboards an ARML from CSV or XLSX files (governance/organisations/onboarding.py documents the
tables and their columns; samples in fixtures/onboarding/). A dry run by default: it prints what
would be created and changed, and writes nothing. With --apply it writes everything in one
transaction (or nothing, at the first error), initialises the signing keys (as `pki init`), and
prints for each new account its one-time link to set the password (--send-links e-mails it
instead). Running it again shows only the differences; nothing twice.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.organisations.models import Person

HELP = """Onboard an ARML from CSV (UTF-8, ; or ,) or XLSX files: a folder, or files named after
their table (or an XLSX workbook with one sheet per table). French headers, any order:
  arml.csv             region (INSEE code), nom, nom_court, adresse, siret, and any other field
                       of the ARML by its name or French label
  missions_locales.csv nom, ville, siret
  financeurs.csv       nom, type (etat, region, ars, disp, carsat, autre)
  instances.csv        type (AG, CA, BUR, CT, COPIL), nom, and every field of the body's rules
                       (BodyRules) by its name or its French label: quorum_numerator,
                       quorum_denominator, notice_days, max_proxies_per_holder, majority,
                       chair_casting_vote (oui/non)…
  personnes.csv        identifiant, prenom, nom, email
  mandats.csv          identifiant, role (code or French label), instance (type), mission_locale
                       (nom), financeur (nom), titre, debut, fin (31/12/2026 or 2026-12-31)
Dry run by default; --apply writes (one transaction). Errors name the file and the line."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="A folder, or CSV/XLSX files.")
        parser.add_argument(
            "--apply", action="store_true", help="Write (default: show what would change)."
        )
        parser.add_argument(
            "--send-links",
            action="store_true",
            help="E-mail each new account its one-time link instead of printing it.",
        )
        parser.add_argument(
            "--links",
            action="store_true",
            help="Also give a new link to every person of the files who has not set a password.",
        )
        parser.add_argument(
            "--progress", action="store_true", help="Show a progress bar even off a terminal."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from config.progress import progress
        from governance.organisations.onboarding import ImportError_, onboard, row_count

        paths, apply = options["paths"], options["apply"]
        try:
            total = row_count(paths)
            with progress(
                total, "Onboarding", stream=self.stderr._out, enabled=options["progress"] or None
            ) as advance:
                report = onboard(paths, apply=apply, advance=advance)
        except ImportError_ as exc:
            raise CommandError(str(exc)) from None
        self._print(report, apply)
        if apply:
            quiet = io.StringIO()
            call_command("pki", "init", stdout=self.stdout if options["verbosity"] > 1 else quiet)
            self.stdout.write("Signing keys: ready (pki init).")
            if report.new_people:
                self.stdout.write(
                    "One-time links to set each new account's password "
                    f"(valid {settings.ARML_ACCOUNT_LINK_DAYS} days, once):"
                )
            self._links(report, paths, options)

    def _print(self, report: Any, apply: bool) -> None:
        from django.utils.translation import gettext as _

        self.stdout.write(
            _("ARML: %(arml)s") % {"arml": report.arml}
            + ("" if apply else " " + _("(dry run: nothing written; --apply to write)"))
        )
        for label in report.created:
            self.stdout.write(f"  + {label}")
        for label in report.changed:
            self.stdout.write(f"  ~ {label}")
        counts = {"c": len(report.created), "m": len(report.changed), "u": report.unchanged}
        self.stdout.write(
            (
                _("%(c)s created, %(m)s changed, %(u)s unchanged.")
                if apply
                else _("%(c)s to create, %(m)s to change, %(u)s unchanged.")
            )
            % counts
        )
        if report.empty:
            self.stdout.write(_("Nothing to change: the database already matches the files."))

    def _links(self, report: Any, paths: list[Path], options: dict[str, Any]) -> None:
        from governance.organisations.accounts import activation_url, send_activation
        from governance.organisations.onboarding import read

        people = list(report.new_people)
        if options["links"]:
            names = [str(r.values["username"]) for r in read(paths)["personnes"]]
            people += [
                p
                for p in Person.objects.filter(username__in=names).order_by("username")
                if not p.has_usable_password() and p not in people
            ]
        for person in people:
            url = activation_url(person)
            if options["send_links"] and person.email:
                send_activation(person, url)
                self.stdout.write(f"  link sent to {person.username} <{person.email}>")
            else:
                self.stdout.write(f"  {person.username}: {url}")
