"""Reads that answer 'what may this user see'. Every scoped list starts from armls_for()."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from governance.organisations.models import Arml, Mandate, Person, Role
from permissions.models import Delegation
from permissions.roles import SCOPE_CODENAME


def armls_for(user: Person, kind: str = "") -> QuerySet[Arml]:
    """The ARMLs in the user's scope: those where they hold the scope object permission (from
    their mandates), and those where a delegation received today lets them act — for `kind`
    ("convention", a ledger prefix) only if the delegation names an action on that kind: a
    delegate sees exactly what is delegated, without needing a mandate of their own."""
    if not user.is_authenticated or not user.is_active:
        return Arml.objects.none()
    if user.is_superuser:
        return Arml.objects.all()
    mandated = Q(user_perms__user=user, user_perms__permission__codename=SCOPE_CODENAME)
    delegated = [
        d.arml_id
        for d in Delegation.objects.active().filter(delegate=user)
        if not kind or d.covers_kind(kind)
    ]
    if delegated:
        return Arml.objects.filter(mandated | Q(pk__in=delegated)).distinct()
    return Arml.objects.filter(mandated).distinct()


def roles_in(user: Person, arml: Arml) -> set[str]:
    """Roles the user holds today in this ARML (from active mandates, not cached groups)."""
    if not user.is_authenticated:
        return set()
    return set(
        Mandate.objects.active().filter(person=user, arml=arml).values_list("role", flat=True)
    )


@dataclass(frozen=True)
class Access:
    """What a user may do with one object (the access helper returns both)."""

    arml: Arml
    roles: frozenset[str] = field(default_factory=frozenset)
    is_admin: bool = False

    @property
    def can_view(self) -> bool:
        return True

    @property
    def can_audit(self) -> bool:
        return self.is_admin or Role.AUDITOR in self.roles

    @property
    def can_manage_reference_data(self) -> bool:
        return self.is_admin


def scoped_get(
    user: Person, queryset: QuerySet[Any], *, arml_path: str, **lookup: Any
) -> tuple[Any, Access]:
    """The object if it lies in the user's scope (404 otherwise, so as not to reveal it).

    `arml_path` leads from the object to its ARML ("arml", "body__arml"), or is "self".
    """
    scope = armls_for(user)
    if arml_path == "self":
        queryset = queryset.filter(pk__in=scope)
    else:
        queryset = queryset.filter(**{f"{arml_path}__in": scope})
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    arml = _arml_of(obj, arml_path)
    roles = frozenset(roles_in(user, arml))
    return obj, Access(arml=arml, roles=roles, is_admin=user.is_superuser)


def _arml_of(obj: Model, arml_path: str) -> Arml:
    current: Any = obj
    if arml_path != "self":
        for part in arml_path.split("__"):
            current = getattr(current, part)
    return cast(Arml, current)
