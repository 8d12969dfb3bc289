from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        # The engine checks the deliberations transitions declare through the register of the
        # meetings room: workflows/ never imports a lifecycle room.
        from governance.meetings.selectors import has_adopted_deliberation
        from workflows.specs import register_deliberation_finder

        register_deliberation_finder(has_adopted_deliberation)
