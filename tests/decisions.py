"""Test set-up for the lifecycles that need a board decision: a final, adopted deliberation
on an object, written directly (the meetings tests cover how one is really reached)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from governance.meetings.models import AgendaItem, Deliberation, Meeting
from governance.organisations.models import BodyKind, Majority
from tests.factories import BodyFactory


def board_adopts(
    obj: Any, *, fingerprint: str | None = None, kind: str = BodyKind.CA
) -> Deliberation:
    body = BodyFactory(arml=obj.arml, kind=kind)
    now = timezone.now()
    meeting = Meeting.objects.create(
        arml=obj.arml, body=body, starts_at=now, place="Rennes", state="minutes_signed"
    )
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=1,
        title=f"Délibération sur {obj}",
        kind="deliberation",
        subject_content_type=ContentType.objects.get_for_model(obj),
        subject_id=str(obj.pk),
        subject_fingerprint=obj.deliberation_fingerprint() if fingerprint is None else fingerprint,
    )
    sequence = Deliberation.objects.filter(arml=obj.arml, body_kind=kind, year=now.year).count() + 1
    return Deliberation.objects.create(
        meeting=meeting,
        item=item,
        arml=obj.arml,
        body_kind=kind,
        year=now.year,
        sequence=sequence,
        number=f"{now.year}-{kind}-{sequence:03d}",
        votes_for=5,
        votes_against=0,
        abstentions=0,
        entitled=5,
        majority=Majority.VOTES_CAST,
        adopted=True,
        final_at=now,
    )
