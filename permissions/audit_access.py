"""The permissions side of audit.access: who may read an ARML's full ledger, and roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from governance.organisations.models import Arml, Mandate, Role
from permissions.selectors import armls_for

AUDIT_ROLES = frozenset({Role.AUDITOR, Role.PRESIDENT, Role.ARML_DIRECTOR})


class MandateAccessPolicy:
    """audit.access.AccessPolicy from active mandates and the guardian ARML scope."""

    def roles_of(self, person: Any, arml_id: int) -> list[str]:
        return list(
            Mandate.objects.active()
            .filter(person=person, arml_id=arml_id)
            .values_list("role", flat=True)
        )

    def scope_armls(self, user: Any) -> QuerySet[Arml]:
        return armls_for(user)

    def auditable_armls(self, user: Any) -> QuerySet[Arml]:
        scope = armls_for(user)
        if user.is_authenticated and user.is_superuser:
            return scope
        holders = Mandate.objects.active().filter(person=user, role__in=AUDIT_ROLES)
        return scope.filter(pk__in=holders.values("arml_id"))

    def can_audit(self, user: Any, arml: Any) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        arml_id = arml.pk if isinstance(arml, Arml) else arml
        return (
            Mandate.objects.active()
            .filter(person=user, arml_id=arml_id, role__in=AUDIT_ROLES)
            .exists()
        )
