from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        from workflows import circuits
        from workflows.engine import AFTER_COMMIT, WITHIN_TRANSACTION
        from workflows.flows import (  # noqa: F401 (flows register at import)
            acceptance,
            agreement,
            countersign,
        )
        from workflows.notifications import notify_next_actors

        if circuits.after_transition not in WITHIN_TRANSACTION:
            WITHIN_TRANSACTION.append(circuits.after_transition)
        if notify_next_actors not in AFTER_COMMIT:
            AFTER_COMMIT.append(notify_next_actors)
