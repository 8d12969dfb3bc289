"""Planning a meeting, its agenda, the second convocation, invitation receipts, extract requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.meetings.models import (
    LAPSES,
    AgendaItem,
    Deliberation,
    ExtractRequest,
    Invitation,
    ItemKind,
    Meeting,
    MeetingState,
)
from governance.meetings.rules import PLAN, RECORD, SET_AGENDA
from governance.meetings.services.common import _full_clean, _locked, _meeting_of
from governance.organisations.models import Body, Person
from permissions.authorization import Principal
from permissions.selectors import armls_for
from workflows import errors
from workflows.acts import record, refusals_ledgered, require


# -- planning and the agenda ---------------------------------------------------------------------
@refusals_ledgered("plan", lambda kw: kw["body"])
@transaction.atomic
def meeting_plan(
    *,
    actor: Person,
    body: Body,
    starts_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    items: Iterable[Mapping[str, Any]] = (),
    request_info: Mapping[str, str] | None = None,
) -> Meeting:
    """Whoever the body's rules name plans a meeting of it with its agenda (convening is a
    transition)."""
    principal = require(actor, body, PLAN, arml_id=body.arml_id)
    return _plan(
        actor=actor,
        principal=principal,
        body=body,
        starts_at=starts_at,
        place=place,
        video_link=video_link,
        items=items,
        previous=None,
        request_info=request_info,
    )


def _plan(
    *,
    actor: Person,
    principal: Principal,
    body: Body,
    starts_at: dt.datetime,
    place: str,
    video_link: str,
    items: Iterable[Mapping[str, Any]],
    previous: Meeting | None,
    request_info: Mapping[str, str] | None,
) -> Meeting:
    if not (place or video_link):
        raise errors.InvalidData(_("Give a place or a video link."), code="place_required")
    meeting = Meeting(
        arml_id=body.arml_id,
        body=body,
        starts_at=starts_at,
        place=place,
        video_link=video_link,
        previous=previous,
        convocation=2 if previous is not None else 1,
    )
    _full_clean(meeting)
    meeting.save()
    for item in items:
        _add_item(meeting, **item)
    record(
        meeting,
        "planned",
        actor=actor,
        principal=principal,
        data={
            "body": body.kind,
            "starts_at": starts_at.isoformat(),
            "convocation": meeting.convocation,
            "agenda": [i.title for i in meeting.items.all()],
        },
        request_info=request_info,
    )
    return meeting


def _add_item(
    meeting: Meeting,
    *,
    title: str,
    kind: str = ItemKind.DELIBERATION,
    description: str = "",
    subject: Model | None = None,
) -> AgendaItem:
    if not (title or "").strip():
        raise errors.InvalidData(_("Give the item a title."), code="title_required")
    if kind not in ItemKind.values:
        raise errors.InvalidData(_("Choose the kind of item."), code="invalid_kind")
    if subject is not None and getattr(subject, "arml_id", None) != meeting.arml_id:
        raise errors.InvalidData(
            _("The subject belongs to another ARML."), code="subject_out_of_scope"
        )
    last = meeting.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem(
        meeting=meeting, order=last + 1, title=title, description=description, kind=kind
    )
    item.copy_subject(subject)
    _full_clean(item, exclude=["meeting"])
    item.save()
    return item


@refusals_ledgered("add_agenda_item", _meeting_of)
@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    actor: Person,
    title: str,
    kind: str = ItemKind.DELIBERATION,
    description: str = "",
    subject: Model | None = None,
    request_info: Mapping[str, str] | None = None,
) -> AgendaItem:
    """Add an item while the meeting is planned: once convened, the agenda is what was sent; a
    second convocation carries exactly the lapsed meeting's agenda."""
    meeting = _locked(meeting)
    principal = require(actor, meeting, SET_AGENDA)
    if meeting.convocation == 2:
        raise errors.InvalidState(
            _(
                "A second convocation carries exactly the agenda of the meeting that lapsed: "
                "only those items may be decided without the first quorum. Put this item on "
                "the agenda of another meeting."
            ),
            code="second_convocation_agenda",
        )
    if meeting.state != MeetingState.PLANNED:
        raise errors.InvalidState(
            _("The agenda was sent with the convocation: it can no longer change."),
            code="agenda_locked",
        )
    item = _add_item(meeting, title=title, kind=kind, description=description, subject=subject)
    record(
        meeting,
        "agenda_item_added",
        actor=actor,
        principal=principal,
        data={"item": item.order, "title": title, "kind": kind, "subject": item.subject_label},
        request_info=request_info,
    )
    return item


@refusals_ledgered("second_convocation", _meeting_of)
@transaction.atomic
def meeting_second_convocation(
    *,
    meeting: Meeting,
    actor: Person,
    starts_at: dt.datetime,
    place: str | None = None,
    video_link: str | None = None,
    request_info: Mapping[str, str] | None = None,
) -> Meeting:
    """After a lapse whose minutes are signed, the same agenda again — exactly, nothing added —
    under the second-convocation quorum."""
    meeting = _locked(meeting)
    principal = require(actor, meeting.body, PLAN, arml_id=meeting.arml_id)
    if meeting.state == MeetingState.LAPSED and not _legacy_lapse(meeting):
        raise errors.InvalidState(
            _(
                "The minutes of lapse must be signed by the chair and countersigned by the "
                "secretary before a second convocation."
            ),
            code="lapse_not_final",
        )
    if meeting.state not in LAPSES:
        raise errors.InvalidState(
            _("A second convocation follows a meeting that lapsed for lack of quorum."),
            code="not_lapsed",
        )
    if meeting.convocation != 1:
        raise errors.InvalidState(
            _("This meeting was already a second convocation."), code="already_second"
        )
    if meeting.next_convocations.exists():
        raise errors.InvalidState(
            _("A second convocation already exists for this meeting."), code="second_exists"
        )
    items = [
        {"title": i.title, "kind": i.kind, "description": i.description, "subject": i.subject}
        for i in meeting.items.all()
    ]
    return _plan(
        actor=actor,
        principal=principal,
        body=meeting.body,
        starts_at=starts_at,
        place=meeting.place if place is None else place,
        video_link=meeting.video_link if video_link is None else video_link,
        items=items,
        previous=meeting,
        request_info=request_info,
    )


def _legacy_lapse(meeting: Meeting) -> bool:
    """A lapse recorded before its minutes had two signature slots (one signature was final)."""
    from workflows.documents import current_document

    document = current_document(meeting, "minutes")
    return document is not None and len(document.signer_slots) == 1


@refusals_ledgered("record_receipt", _meeting_of)
@transaction.atomic
def invitation_receive(
    *,
    invitation: Invitation,
    actor: Person,
    at: dt.datetime | None = None,
    request_info: Mapping[str, str] | None = None,
) -> Invitation:
    """The member acknowledges receipt (or the secretary records it) until the meeting opens."""
    meeting = _locked(invitation.meeting)
    if actor.pk != invitation.person_id:  # the member acknowledges; or the secretary records
        require(actor, meeting, RECORD)
    if meeting.state != MeetingState.CONVENED:
        raise errors.InvalidState(
            _("Receipts of the convocation are recorded until the meeting opens."),
            code="receipts_closed",
        )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.received_at is None:
        invitation.received_at = at or timezone.now()
        invitation.save(update_fields=["received_at"])
        record(
            meeting,
            "invitation_received",
            actor=actor,
            data={
                "person": invitation.person_id,
                "received_at": invitation.received_at.isoformat(),
            },
            request_info=request_info,
        )
    return invitation


# -- extracts ------------------------------------------------------------------------------------
@refusals_ledgered("request_extract", lambda kw: kw["deliberation"].meeting)
@transaction.atomic
def extract_request_create(
    *,
    deliberation: Deliberation,
    actor: Person,
    request_info: Mapping[str, str] | None = None,
) -> ExtractRequest:
    """Anyone in the ARML's scope asks for a certified extract of a final, adopted deliberation;
    whoever the body's rules name issues it (the `issue` transition)."""
    if not armls_for(actor).filter(pk=deliberation.arml_id).exists():
        raise errors.Forbidden(_("This deliberation is outside your scope."), code="out_of_scope")
    if not (deliberation.adopted and deliberation.is_final):
        raise errors.InvalidState(
            _(
                "Only a final, adopted deliberation can be extracted: "
                "the minutes must be signed first."
            ),
            code="not_final",
        )
    request = ExtractRequest.objects.create(
        arml_id=deliberation.arml_id, deliberation=deliberation, requested_by=actor
    )
    record(
        request,
        "requested",
        actor=actor,
        data={"deliberation": deliberation.number},
        request_info=request_info,
    )
    return request
