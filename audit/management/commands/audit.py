"""`manage.py audit verify | checkpoint | export`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import ChainHead
from config.progress import progress


class Command(BaseCommand):
    help = "Audit ledger: verify the chain, make a signed checkpoint, export a bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Re-check the chain, checkpoints and documents.")
        verify.add_argument("--progress", action="store_true", help="Always show progress.")
        verify.add_argument(
            "--no-documents", action="store_true", help="Skip the document versions."
        )
        verify.add_argument(
            "--witness",
            nargs="?",
            const="",
            default=None,
            metavar="DIR",
            help="Compare the checkpoints with the witness: DIR, or the configured one "
            "(ARML_LEDGER_WITNESS_DIR or ARML_LEDGER_WITNESS_STORAGE).",
        )
        checkpoint = sub.add_parser("checkpoint", help="Sign a checkpoint over all events now.")
        checkpoint.add_argument(
            "--if-due",
            action="store_true",
            help="Only if one is due (ARML_CHECKPOINT_EVERY events or ARML_CHECKPOINT_MINUTES); "
            "also writes to the witness the checkpoints it lacks. For the timer.",
        )
        checkpoint.add_argument(
            "--schedule",
            action="store_true",
            help="Start the self-rescheduling task (audit.tasks) on the tasks worker.",
        )
        export = sub.add_parser("export", help="Write one ARML's verifiable bundle.")
        export.add_argument("--arml", required=True, help="ARML id or short name.")
        export.add_argument("--out", required=True, help="The .zip file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def handle_verify(self, **options: Any) -> None:
        from audit.verification import verify_ledger

        witness = _witness(options["witness"])
        total = ChainHead.objects.values_list("seq", flat=True).first() or 0
        show = options["progress"] or None  # None: on a terminal only
        stream = getattr(self.stderr, "_out", sys.stderr)  # rich writes to the bare stream
        with progress(total, "Verifying the ledger", stream=stream, enabled=show) as advance:
            report = verify_ledger(
                progress=advance, documents=not options["no_documents"], witness=witness
            )
        for failure in report.failures:
            self.stdout.write(self.style.ERROR(f"MISMATCH {failure}"))
        line = report.summary()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(line))
            return
        self.stdout.write(self.style.ERROR(line))
        sys.exit(1)

    def handle_checkpoint(self, **options: Any) -> None:
        from audit.checkpoints import checkpoint_create, checkpoint_if_due, witness_sync
        from audit.services import LedgerError
        from audit.witness import WitnessError

        if options["schedule"]:
            from audit.tasks import schedule

            if not schedule(delay=dt.timedelta(0)):
                raise CommandError(
                    "The task backend cannot defer tasks: run `audit checkpoint --if-due` "
                    "from a timer instead."
                )
            self.stdout.write(self.style.SUCCESS("Checkpoint task enqueued."))
            return
        try:
            if options["if_due"]:
                checkpoint = checkpoint_if_due()
                if checkpoint is None:
                    self.stdout.write("No checkpoint due.")
                    return
            else:
                witness_sync()
                checkpoint = checkpoint_create()
        except (LedgerError, WitnessError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint at {checkpoint.tree_size} events, root {checkpoint.root_hash}"
            )
        )

    def handle_export(self, **options: Any) -> None:
        from django.db.models import Q

        from audit.access import arml_model
        from audit.export import export_bundle
        from audit.services import LedgerError

        Arml: Any = arml_model()  # noqa: N806  # the ARML model, read through audit.access

        ref = options["arml"]
        query = Q(short_name=ref) | (Q(pk=int(ref)) if ref.isdigit() else Q())
        arml = Arml.objects.filter(query).first()
        if arml is None:
            raise CommandError(f"No ARML {ref!r}.")
        try:
            manifest = export_bundle(arml=arml, out=options["out"])
        except LedgerError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Cannot write {options['out']}: {exc.strerror or exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {options['out']}: {manifest['events_in_full']} events of {arml} "
                f"in a tree of {manifest['tree_size']}, {manifest['documents']} documents"
            )
        )


def _witness(option: str | None) -> Any:
    from audit.witness import DirectoryWitness, configured

    if option is None:
        return None
    if option:
        if not Path(option).is_dir():
            raise CommandError(f"No witness directory {option}.")
        return DirectoryWitness(option)
    witness = configured()
    if witness is None:
        raise CommandError(
            "No witness configured: set ARML_LEDGER_WITNESS_DIR or ARML_LEDGER_WITNESS_STORAGE, "
            "or name the directory: audit verify --witness DIR."
        )
    return witness
