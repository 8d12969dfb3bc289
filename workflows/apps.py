from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        from workflows import circuits
        from workflows.engine import WITHIN_TRANSACTION
        from workflows.flows import (  # noqa: F401 (flows register at import)
            acceptance,
            agreement,
            countersign,
        )

        if circuits.after_transition not in WITHIN_TRANSACTION:
            WITHIN_TRANSACTION.append(circuits.after_transition)
        # AFTER_COMMIT: the notification centre registers its hooks (notifications/apps.py).
