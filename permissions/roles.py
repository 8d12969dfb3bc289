"""Roles are Django groups named after governance.Role; membership follows active mandates."""

from django.contrib.auth.models import Group

from governance.organisations.models import Role

SCOPE_PERMISSION = "governance.view_arml"
SCOPE_CODENAME = "view_arml"


def role_groups() -> dict[str, Group]:
    """The group of every role, created on first need."""
    existing = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    for role in Role.values:
        if role not in existing:
            existing[role] = Group.objects.create(name=role)
    return existing
