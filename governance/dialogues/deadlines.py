"""Deadlines of the dialogues room (notifications/deadlines.py): the dialogue file's due date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext_lazy as _

from governance.dialogues.models import DialogueState, ManagementDialogue
from notifications.deadlines import Due, deadline, in_armls


@deadline("dialogue.file_due", label=_("Dialogue file due"), transition="transmit_file")
def dialogue_file_due(today: dt.date, armls: Sequence[int] | None) -> Iterator[Due]:
    """The file is due `file_due_days` before the dialogue meeting (ManagementDialogue)."""
    dialogues = ManagementDialogue.objects.filter(
        state=DialogueState.PREPARATION, meeting_date__isnull=False
    ).select_related("arml")
    for dialogue in in_armls(dialogues, armls):
        yield Due(dialogue, dialogue.file_deadline)
