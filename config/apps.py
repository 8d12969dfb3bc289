from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site itself: what belongs to no domain app (login throttling's ledger entry)."""

    name = "config"
    label = "site"
    verbose_name = "Site"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from config.auth import ledger_lockout

        user_locked_out.connect(ledger_lockout, dispatch_uid="arml-ledger-lockout")
