"""Who may read the full ledger of an ARML (the auditors' pages and API)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from governance.models import Arml, Mandate, Role
from permissions.selectors import armls_for, roles_in

AUDIT_ROLES = frozenset({Role.AUDITOR, Role.PRESIDENT, Role.ARML_DIRECTOR})


def can_audit(user: Any, arml: Arml) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(AUDIT_ROLES & roles_in(user, arml))


def auditable_armls(user: Any) -> QuerySet[Arml]:
    """The ARMLs whose ledger `user` may read in full: in scope, and holding an audit role."""
    scope = armls_for(user)
    if user.is_authenticated and user.is_superuser:
        return scope
    holders = Mandate.objects.active().filter(person=user, role__in=AUDIT_ROLES)
    return scope.filter(pk__in=holders.values("arml_id"))
