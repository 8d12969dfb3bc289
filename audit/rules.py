"""Who may read the full ledger of an ARML (the auditors' pages and API).

The rule itself (roles AUDITOR, PRESIDENT, ARML_DIRECTOR in scope, or superuser) lives with the
other permission rules in permissions/audit_access.py; these are the ledger's entry points.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from audit import access


def can_audit(user: Any, arml: Any) -> bool:
    return access.can_audit(user, arml)


def auditable_armls(user: Any) -> QuerySet[Any]:
    """The ARMLs whose ledger `user` may read in full: in scope, and holding an audit role."""
    return access.auditable_armls(user)
