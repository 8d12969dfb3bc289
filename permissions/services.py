"""Access follows mandates: a person's role groups and ARML scope are derived, never edited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from governance.organisations.models import Arml, Mandate, Person, Role
from permissions.models import ArmlUserObjectPermission
from permissions.roles import SCOPE_CODENAME, SCOPE_PERMISSION, role_groups


@transaction.atomic
def access_sync(*, person: Person, on: dt.date | None = None) -> None:
    """Make `person`'s groups and ARML permissions match their mandates active on `on`."""
    active = list(Mandate.objects.active(on).filter(person=person).values_list("role", "arml_id"))
    roles = {role for role, _ in active}
    arml_ids = {arml_id for _, arml_id in active}

    groups = role_groups()
    person.groups.remove(*[g for name, g in groups.items() if name not in roles])
    person.groups.add(*[groups[r] for r in roles])

    granted = set(
        ArmlUserObjectPermission.objects.filter(
            user=person, permission__codename=SCOPE_CODENAME
        ).values_list("content_object_id", flat=True)
    )
    for arml in Arml.objects.filter(pk__in=arml_ids - granted):
        assign_perm(SCOPE_PERMISSION, person, arml)
    for arml in Arml.objects.filter(pk__in=granted - arml_ids):
        remove_perm(SCOPE_PERMISSION, person, arml)


def access_sync_all(*, on: dt.date | None = None) -> int:
    """Daily job (`manage.py access sync`): mandates that started or ended by date alone."""
    people = Person.objects.filter(mandates__isnull=False).distinct()
    count = 0
    for person in people.iterator():
        access_sync(person=person, on=on)
        count += 1
    return count


__all__ = ["access_sync", "access_sync_all", "Role"]
