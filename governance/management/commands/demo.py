import os

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import translation

from fixtures import demo


class Command(BaseCommand):
    help = "Load the demo data (all regions and ARMLs, one populated ARML). Idempotent."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="How many ARMLs to populate (10: ten times the data, for the page benchmarks).",
        )

    def handle(self, *args: object, **options: object) -> None:
        translation.activate("fr")
        # The demo moves plans through real transitions: keep their e-mails off the console.
        with override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        ):
            logins = demo.load(scale=max(1, int(options["scale"])))
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
        host = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host  # every interface: local
        self.stdout.write(
            f"Connexion : http://{host}:{port}/  — mot de passe commun : {demo.DEMO_PASSWORD}"
        )
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role} — {login.name}")
