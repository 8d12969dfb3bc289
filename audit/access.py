"""What the ledger needs to know about people and scope, behind one small interface.

audit/ imports nothing from governance/ or permissions/: the permissions
app implements `AccessPolicy` (it may read mandates and guardian scope) and registers it in its
AppConfig.ready(). permissions/ already imports audit (delegations append events), so the
dependency must point this way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet


@runtime_checkable
class AccessPolicy(Protocol):
    def roles_of(self, person: Any, arml_id: int) -> Iterable[str]:
        """The roles `person` holds today in the ARML `arml_id` (active mandates)."""
        ...

    def scope_armls(self, user: Any) -> QuerySet[Any]:
        """The ARMLs in the user's scope (what they may see at all)."""
        ...

    def auditable_armls(self, user: Any) -> QuerySet[Any]:
        """The ARMLs whose full ledger the user may read (network data, others' refusals)."""
        ...

    def can_audit(self, user: Any, arml: Any) -> bool:
        """Whether the user may read the full ledger of `arml` (an ARML or its id)."""
        ...


_policy: AccessPolicy | None = None


def register(policy: AccessPolicy) -> None:
    global _policy
    if not isinstance(policy, AccessPolicy):
        raise ImproperlyConfigured(f"{policy!r} does not implement audit.access.AccessPolicy")
    _policy = policy


def policy() -> AccessPolicy:
    if _policy is None:
        raise ImproperlyConfigured(
            "No audit access policy registered: an installed app must call "
            "audit.access.register() in its AppConfig.ready() (the permissions app does)."
        )
    return _policy


def arml_model() -> type[Model]:
    """The ARML model, reached through the ledger's relation (no import of governance/)."""
    from audit.models import AuditEvent

    return AuditEvent._meta.get_field("arml").related_model


def roles_of(person: Any, arml_id: int) -> Iterable[str]:
    return policy().roles_of(person, arml_id)


def scope_armls(user: Any) -> QuerySet[Any]:
    return policy().scope_armls(user)


def auditable_armls(user: Any) -> QuerySet[Any]:
    return policy().auditable_armls(user)


def can_audit(user: Any, arml: Any) -> bool:
    return policy().can_audit(user, arml)
