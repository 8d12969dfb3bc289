from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        from workflows.engine import AFTER_COMMIT
        from workflows.notifications import notify_next_actors

        if notify_next_actors not in AFTER_COMMIT:
            AFTER_COMMIT.append(notify_next_actors)
