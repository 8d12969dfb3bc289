"""The main menu: each entry declares who may open it; the menu shows a user only those.

What the entries ask of a user is read once per request, in two queries (the delegations
received, then the ARMLs in scope with the user's audit roles there), whatever the number of
entries, plus one for the count of unread notifications beside "Notifications".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuAccess:
    """What the menu needs to know of a user: read in two queries."""

    is_superuser: bool
    armls_in_scope: int
    audit: bool  # holds an audit role in an ARML of the scope (permissions.audit_access)

    @classmethod
    def of(cls, user: Any) -> MenuAccess:
        from django.db.models import Exists, OuterRef

        from governance.organisations.models import Mandate
        from permissions.audit_access import AUDIT_ROLES
        from permissions.selectors import armls_for

        # armls_for reads the delegations received (one query); the ARMLs in scope, each with
        # whether the user holds an audit role there, are the other.
        audit_mandates = Mandate.objects.active().filter(
            person=user, arml=OuterRef("pk"), role__in=AUDIT_ROLES
        )
        scope = list(
            armls_for(user).annotate(audit=Exists(audit_mandates)).values_list("pk", "audit")
        )
        if user.is_superuser:
            return cls(True, len(scope), True)
        return cls(False, len(scope), any(audit for _pk, audit in scope))


# Who may open an entry ------------------------------------------------------------------------


def anyone(access: MenuAccess) -> bool:
    return True


def with_scope(access: MenuAccess) -> bool:
    """Reference data and lifecycles: lists of what lies in the user's ARMLs."""
    return access.is_superuser or access.armls_in_scope > 0


def with_arml(access: MenuAccess) -> bool:
    """Pages about one ARML (the register, the dashboard): there must be one in scope."""
    return access.armls_in_scope > 0


def auditor(access: MenuAccess) -> bool:
    """The ledger: permissions.audit_access.AUDIT_ROLES in an ARML of the scope, or a superuser."""
    return access.is_superuser or access.audit


def unread_notifications(user: Any) -> int:
    """The count shown beside "Notifications": one query (notifications.selectors)."""
    from notifications.selectors import unread_count

    return unread_count(user)


def awaiting_tasks(user: Any) -> int:
    """The count of my tasks shown beside "Home" (the inbox): the length of the cached inbox
    (workflows.selectors.inbox_for), so that a page costs one query for it."""
    from workflows.selectors import inbox_count

    return inbox_count(user)


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: Promise
    may_open: Callable[[MenuAccess], bool]
    #: A number shown beside the label (0: none), read with one query per request.
    badge: Callable[[Any], int] | None = None
    #: What the number counts, for screen readers ("unread", "to do").
    badge_label: Promise | None = None


@dataclass(frozen=True)
class Group:
    label: Promise | None  # None: entries shown without a heading
    entries: tuple[Entry, ...]


MENU: tuple[Group, ...] = (
    Group(
        None,
        (
            Entry("home", _("Home"), anyone, badge=awaiting_tasks, badge_label=_("tasks to do")),
            Entry(
                "notifications:list",
                _("Notifications"),
                anyone,
                badge=unread_notifications,
                badge_label=_("unread"),
            ),
        ),
    ),
    Group(
        _("Bodies and meetings"),
        (
            Entry("governance:meeting_list", _("Meetings"), with_scope),
            Entry("governance:register_home", _("Register of deliberations"), with_arml),
            Entry("governance:body_list", _("Bodies"), with_scope),
        ),
    ),
    Group(
        _("Conventions and funding"),
        (
            Entry("governance:convention_list", _("Conventions"), with_scope),
            Entry("governance:dialogue_list", _("Management dialogues"), with_scope),
            Entry("governance:dashboard_home", _("Dashboard"), with_arml),
            Entry("governance:dues_list", _("Missions Locales' dues"), with_scope),
            Entry("governance:regulated_agreement_list", _("Regulated agreements"), with_arml),
        ),
    ),
    Group(
        _("Programme and plans"),
        (
            Entry("governance:programme_list", _("Regional programme (PRA)"), with_scope),
            Entry("governance:action_plan_list", _("Action plans"), with_scope),
        ),
    ),
    Group(
        _("Reference data"),
        (
            Entry("governance:arml_list", _("ARMLs"), with_scope),
            Entry("governance:ml_list", _("Missions Locales"), with_scope),
            Entry("governance:person_list", _("People"), with_scope),
            Entry("governance:region_list", _("Regions"), with_scope),
            Entry("permissions:delegation_list", _("Delegations"), with_scope),
        ),
    ),
    Group(_("Control"), (Entry("audit:event_list", _("Audit ledger"), auditor),)),
)


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    """The groups and entries `user` may open, each entry marked current when `path` is in it."""
    access = MenuAccess.of(user)
    groups = []
    for group in MENU:
        items = []
        for entry in group.entries:
            if not entry.may_open(access):
                continue
            url = reverse(entry.url_name)
            current = path == url if url == "/" else path.startswith(url)
            badge = entry.badge(user) if entry.badge else 0
            items.append(
                {
                    "url": url,
                    "label": entry.label,
                    "current": current,
                    "badge": badge,
                    "badge_label": entry.badge_label,
                }
            )
        if items:
            groups.append(
                {
                    "label": group.label,
                    "items": items,
                    "current": any(i["current"] for i in items),
                }
            )
    return groups


def main_menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_menu": []}
    cached = getattr(request, "_main_menu", None)
    if cached is None:  # once per request, however many templates render
        cached = request._main_menu = menu_for(user, request.path)  # type: ignore[attr-defined]
    return {"main_menu": cached}
