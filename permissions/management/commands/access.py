from django.core.management.base import BaseCommand, CommandError

from permissions.services import access_sync_all


class Command(BaseCommand):
    help = (
        "Access follows mandates. `access sync`: run daily so that mandates starting or ending "
        "by date alone grant or revoke scope."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] != "sync":
            raise CommandError("Unknown action.")
        count = access_sync_all()
        self.stdout.write(f"Habilitations recalculées pour {count} personne(s).")
