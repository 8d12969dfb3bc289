from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit ledger")

    def ready(self) -> None:
        from audit import checks  # noqa: F401  (registers the system checks)
