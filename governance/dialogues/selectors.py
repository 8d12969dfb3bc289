"""Reads of management dialogues: the dialogues in a person's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.dialogues.models import (
    ManagementDialogue,
)
from governance.organisations.models import Person
from permissions.selectors import armls_for


def dialogues_for(user: Person) -> QuerySet[ManagementDialogue]:
    return (
        ManagementDialogue.objects.filter(arml__in=armls_for(user, "dialogue"))
        .select_related("arml__region", "convention")
        .order_by("-year", "arml__short_name")
    )
