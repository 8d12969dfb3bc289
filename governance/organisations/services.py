"""Writes on reference data. Lifecycle state changes go through workflows.engine.perform()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.organisations.models import Mandate, Person
from permissions.services import access_sync


@transaction.atomic
def mandate_create(*, person: Person, role: str, start: dt.date, **fields: Any) -> Mandate:
    """Create a mandate (refused if it overlaps another for the same role and body)."""
    # Lock the person so that two concurrent creations cannot both pass the overlap check.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    mandate = Mandate(person=person, role=role, start=start, **fields)
    mandate.full_clean()
    mandate.save()
    access_sync(person=person)
    return mandate


def mandate_end(*, mandate: Mandate, end: dt.date | None = None) -> Mandate:
    """End a mandate on `end` (default today; the end day is excluded) and revoke its scope."""
    return mandate_set_end(mandate=mandate, end=end or timezone.localdate())


@transaction.atomic
def mandate_set_end(*, mandate: Mandate, end: dt.date | None) -> Mandate:
    """Set (or clear, to reopen) the end of a mandate; scope and groups follow."""
    Person.objects.select_for_update().filter(pk=mandate.person_id).first()
    if end is not None and end < mandate.start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    mandate.end = end
    mandate.full_clean()
    mandate.save(update_fields=["end"])
    access_sync(person=mandate.person)
    return mandate
