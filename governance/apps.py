from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from governance.organisations.reference import after_migrate

        # Regions, ARMLs and national indicators come back after every migrate and flush.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="governance.reference")
        # The engine checks the deliberations transitions declare through the register of the
        # meetings room: workflows/ never imports a lifecycle room.
        from governance.meetings.selectors import has_adopted_deliberation
        from workflows.specs import register_deliberation_finder

        register_deliberation_finder(has_adopted_deliberation)
        _load_room_modules()
        # An agreement with a Mission Locale one of the ARML's administrators presides or
        # directs is entered in the register of regulated agreements within the transition
        # that concludes it (governance/agreements).
        from governance.agreements.services import flag_on_transition
        from workflows.engine import WITHIN_TRANSACTION

        if flag_on_transition not in WITHIN_TRANSACTION:
            WITHIN_TRANSACTION.append(flag_on_transition)


#: The rooms whose optional `notifications` (after-commit hooks) and `deadlines` (declared
#: deadline kinds) modules are loaded at start-up: adding one is adding the module.
ROOMS = (
    "organisations",
    "meetings",
    "conventions",
    "dialogues",
    "programmes",
    "action_plans",
    "finances",
)


def _load_room_modules() -> None:
    from importlib import import_module
    from importlib.util import find_spec

    from workflows.engine import AFTER_COMMIT

    for room in ROOMS:
        for part in ("notifications", "deadlines"):
            name = f"governance.{room}.{part}"
            if find_spec(name) is None:
                continue
            module = import_module(name)
            for hook in getattr(module, "AFTER_COMMIT", ()):
                if hook not in AFTER_COMMIT:
                    AFTER_COMMIT.append(hook)
