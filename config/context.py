"""The main menu: one list, so that each app adds its entry in one place."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MENU: list[tuple[str, Any]] = [
    ("home", _("Home")),
    ("governance:dashboard_home", _("Dashboard")),
    ("governance:convention_list", _("Conventions")),
    ("governance:programme_list", _("Regional programme (PRA)")),
    ("governance:dialogue_list", _("Management dialogues")),
    ("governance:action_plan_list", _("Action plans")),
    ("governance:meeting_list", _("Meetings")),
    ("governance:register_home", _("Register of deliberations")),
    ("governance:arml_list", _("ARMLs")),
    ("governance:ml_list", _("Missions Locales")),
    ("governance:body_list", _("Bodies")),
    ("governance:person_list", _("People")),
    ("governance:region_list", _("Regions")),
    ("permissions:delegation_list", _("Delegations")),
    ("audit:event_list", _("Audit ledger")),
]


def main_menu(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"main_menu": []}
    path = request.path
    items = []
    for name, label in MENU:
        url = reverse(name)
        current = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return {"main_menu": items}
