from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermissionsConfig(AppConfig):
    name = "permissions"
    label = "arml_permissions"  # "permissions" would clash with auth's Permission relation names
    verbose_name = _("Permissions")

    def ready(self) -> None:
        from audit import access
        from permissions.audit_access import MandateAccessPolicy

        access.register(MandateAccessPolicy())
