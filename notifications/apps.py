from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications import deadlines, hooks
        from workflows.engine import AFTER_COMMIT
        from workflows.selectors import INBOX_MARKERS

        if deadlines.mark_inbox not in INBOX_MARKERS:
            INBOX_MARKERS.append(deadlines.mark_inbox)

        for hook in (hooks.notify_next_actors, hooks.notify_author_of_refusal):
            if hook not in AFTER_COMMIT:
                AFTER_COMMIT.append(hook)
