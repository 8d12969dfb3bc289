"""Meeting services and selectors (STYLE.md: writes in services, reads in selectors).

State changes (convene, open, start the session, lapse, close, countersign the minutes) go
through workflows.engine.perform(); the records made between them — agenda, attendance,
proxies, interests, votes, receipts — are written here, each ledgered as an event. Who records:
the ARML's secretary or president (the attendance sheet and the tally are theirs). Every write
locks the meeting row, so a record cannot slip in while the meeting changes state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.meetings.models import (
    ATTENDING,
    FINISHED,
    AgendaItem,
    Attendance,
    Choice,
    Deliberation,
    ExtractRequest,
    InterestDeclaration,
    Invitation,
    ItemKind,
    Meeting,
    MeetingState,
    Presence,
    Proxy,
    Vote,
)
from governance.meetings.rules import PLAN, RECORD, SET_AGENDA
from governance.organisations.models import Body, Person
from permissions.selectors import armls_for
from workflows import errors
from workflows.acts import record, refusals_ledgered, require


class MeetingClosed(errors.InvalidState):
    """A change refused because the meeting is closed (or lapsed): its records are final."""

    code = "meeting_closed"


# -- writes ------------------------------------------------------------------------------------
def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("body", "arml").get(pk=meeting.pk)


def _require_state(meeting: Meeting, states: set[str], what: str) -> None:
    if meeting.state in states:
        return
    values = {"what": what, "state": meeting.state_label()}
    if meeting.state in FINISHED:
        raise MeetingClosed(_("The meeting is closed: %(what)s can no longer be changed.") % values)
    if meeting.state == MeetingState.LAPSED:
        raise MeetingClosed(_("The meeting lapsed: %(what)s can no longer be changed.") % values)
    raise errors.InvalidState(
        _("You cannot change %(what)s while the meeting is “%(state)s”.") % values
    )


def _meeting_of(kwargs: dict[str, Any]) -> Meeting:
    """The meeting a refused record is ledgered on, from the service's arguments."""
    if "meeting" in kwargs:
        return kwargs["meeting"]
    if "item" in kwargs:
        return kwargs["item"].meeting
    return kwargs["invitation"].meeting


@refusals_ledgered("plan", lambda kw: kw.get("previous") or kw["body"])
@transaction.atomic
def meeting_plan(
    *,
    actor: Person,
    body: Body,
    starts_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    items: Iterable[Mapping[str, Any]] = (),
    previous: Meeting | None = None,
    request_info: Mapping[str, str] | None = None,
) -> Meeting:
    """The president plans a meeting of a body with its agenda (convening is a transition)."""
    principal = require(actor, body, PLAN, arml_id=body.arml_id)
    meeting = Meeting(
        arml_id=body.arml_id,
        body=body,
        starts_at=starts_at,
        place=place,
        video_link=video_link,
        previous=previous,
        convocation=2 if previous is not None else 1,
    )
    if not (place or video_link):
        raise ValidationError({"place": _("Give a place or a video link.")})
    meeting.full_clean()
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
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose the kind of item.")})
    last = meeting.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem(
        meeting=meeting, order=last + 1, title=title, description=description, kind=kind
    )
    if subject is not None:
        if getattr(subject, "arml_id", None) != meeting.arml_id:
            raise ValidationError({"subject": _("The subject belongs to another ARML.")})
        item.subject_content_type = ContentType.objects.get_for_model(subject)
        item.subject_id = str(subject.pk)
        item.subject_label = str(subject)[:255]
        item.subject_fingerprint = subject.deliberation_fingerprint()
    item.full_clean(exclude=["meeting"])
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
    """Add an item while the meeting is planned: once convened, the agenda is what was sent."""
    meeting = _locked(meeting)
    principal = require(actor, meeting, SET_AGENDA)
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


@refusals_ledgered("record_receipt", _meeting_of)
@transaction.atomic
def invitation_receive(
    *,
    invitation: Invitation,
    actor: Person,
    at: dt.datetime | None = None,
    request_info: Mapping[str, str] | None = None,
) -> Invitation:
    """The member acknowledges receipt (or the secretary records it)."""
    meeting = _locked(invitation.meeting)
    if actor.pk != invitation.person_id:  # the member acknowledges; or the secretary records
        require(actor, meeting, RECORD)
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


def _member(meeting: Meeting, person: Person) -> None:
    if person.pk not in meeting.member_ids():
        raise errors.InvalidData(
            _("%(person)s is not a member of the %(body)s on the day of the meeting.")
            % {"person": person, "body": meeting.body.name},
            code="not_a_member",
        )


SHEET_STATES = {MeetingState.CONVENED, MeetingState.OPENED}


@refusals_ledgered("record_attendance", _meeting_of)
@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    actor: Person,
    person: Person,
    status: str,
    request_info: Mapping[str, str] | None = None,
) -> Attendance:
    """Present, remote or absent; `represented` follows from a proxy (proxy_record)."""
    meeting = _locked(meeting)
    principal = require(actor, meeting, RECORD)
    _require_state(meeting, SHEET_STATES, _("the attendance sheet"))
    _member(meeting, person)
    if status not in {Presence.PRESENT, Presence.REMOTE, Presence.ABSENT}:
        raise errors.InvalidData(
            _("Choose present, remote or absent; a proxy makes a member represented.")
        )
    proxy = meeting.proxies.filter(giver=person).select_related("holder").first()
    if proxy is not None and status in ATTENDING:
        raise errors.InvalidData(
            _(
                "%(person)s gave a proxy to %(holder)s: "
                "withdraw the proxy before recording them as present."
            )
            % {"person": person, "holder": proxy.holder},
            code="proxy_giver_attends",
        )
    if (
        proxy is None
        and status == Presence.ABSENT
        and meeting.proxies.filter(holder=person).exists()
    ):
        raise errors.InvalidData(
            _("%(person)s holds a proxy: withdraw it before recording them as absent.")
            % {"person": person},
            code="proxy_holder_absent",
        )
    row, _created = Attendance.objects.update_or_create(
        meeting=meeting,
        person=person,
        defaults={"status": Presence.REPRESENTED if proxy else status},
    )
    record(
        meeting,
        "attendance_recorded",
        actor=actor,
        principal=principal,
        data={"person": person.pk, "status": row.status},
        request_info=request_info,
    )
    return row


@refusals_ledgered("record_proxy", _meeting_of)
@transaction.atomic
def proxy_record(
    *,
    meeting: Meeting,
    actor: Person,
    giver: Person,
    holder: Person,
    request_info: Mapping[str, str] | None = None,
) -> Proxy:
    meeting = _locked(meeting)
    principal = require(actor, meeting, RECORD)
    _require_state(meeting, SHEET_STATES, _("the proxies"))
    if giver.pk == holder.pk:
        raise errors.InvalidData(
            _("A member cannot give a proxy to themselves."), code="proxy_to_self"
        )
    _member(meeting, giver)
    if holder.pk not in meeting.member_ids():
        raise errors.InvalidData(
            _("A proxy can only be given to a member of the body: %(holder)s is not one.")
            % {"holder": holder},
            code="proxy_holder_not_member",
        )
    presence = meeting.presence()
    if presence.get(giver.pk) in ATTENDING:
        raise errors.InvalidData(
            _("%(person)s is recorded as present: a member cannot both attend and give a proxy.")
            % {"person": giver},
            code="proxy_giver_attends",
        )
    if meeting.proxies.filter(giver=giver).exists():
        raise errors.InvalidData(
            _("%(person)s has already given a proxy.") % {"person": giver},
            code="proxy_already_given",
        )
    if meeting.proxies.filter(giver=holder).exists():
        raise errors.InvalidData(
            _("%(holder)s has given a proxy themselves and cannot hold one.") % {"holder": holder},
            code="proxy_holder_gave_one",
        )
    cap = meeting.rules.max_proxies_per_holder
    held = meeting.proxies.filter(holder=holder).count()
    if held >= cap:
        raise errors.InvalidData(
            _(
                "%(holder)s already holds %(held)s proxy(ies): "
                "the rules allow at most %(cap)s per holder."
            )
            % {"holder": holder, "held": held, "cap": cap},
            code="proxy_cap",
        )
    proxy = Proxy.objects.create(meeting=meeting, giver=giver, holder=holder)
    Attendance.objects.update_or_create(
        meeting=meeting, person=giver, defaults={"status": Presence.REPRESENTED}
    )
    record(
        meeting,
        "proxy_recorded",
        actor=actor,
        principal=principal,
        data={"giver": giver.pk, "holder": holder.pk},
        request_info=request_info,
    )
    return proxy


@refusals_ledgered("withdraw_proxy", _meeting_of)
@transaction.atomic
def proxy_withdraw(
    *, meeting: Meeting, actor: Person, giver: Person, request_info: Mapping[str, str] | None = None
) -> None:
    meeting = _locked(meeting)
    principal = require(actor, meeting, RECORD)
    _require_state(meeting, SHEET_STATES, _("the proxies"))
    deleted, _rows = meeting.proxies.filter(giver=giver).delete()
    if not deleted:
        raise errors.InvalidData(
            _("%(person)s has given no proxy.") % {"person": giver}, code="no_proxy"
        )
    meeting.attendances.filter(person=giver, status=Presence.REPRESENTED).delete()
    record(
        meeting,
        "proxy_withdrawn",
        actor=actor,
        principal=principal,
        data={"giver": giver.pk},
        request_info=request_info,
    )


@refusals_ledgered("declare_interest", _meeting_of)
@transaction.atomic
def interest_declare(
    *,
    item: AgendaItem,
    actor: Person,
    person: Person,
    reason: str = "",
    request_info: Mapping[str, str] | None = None,
) -> InterestDeclaration:
    """A member declares an interest in an item (themselves, or recorded by the secretary)."""
    meeting = _locked(item.meeting)
    if actor.pk != person.pk:  # the member declares; or the secretary records it
        require(actor, meeting, RECORD)
    _require_state(
        meeting,
        {MeetingState.PLANNED, MeetingState.CONVENED, MeetingState.OPENED, MeetingState.IN_SESSION},
        _("the declarations of interest"),
    )
    _member(meeting, person)
    if item.votes.filter(cast_by=person).exists() or item.votes.filter(voter=person).exists():
        raise errors.InvalidData(
            _("%(person)s has already voted on this item: declare the interest before the vote.")
            % {"person": person},
            code="already_voted",
        )
    declaration, _created = InterestDeclaration.objects.get_or_create(
        item=item, person=person, defaults={"reason": reason}
    )
    record(
        meeting,
        "interest_declared",
        actor=actor,
        data={"item": item.order, "person": person.pk, "reason": reason},
        request_info=request_info,
    )
    return declaration


@refusals_ledgered("record_vote", _meeting_of)
@transaction.atomic
def vote_record(
    *,
    item: AgendaItem,
    actor: Person,
    voter: Person,
    choice: str,
    request_info: Mapping[str, str] | None = None,
) -> Vote:
    """Record (or correct, during the session) one member's voice on one item."""
    meeting = _locked(item.meeting)
    principal = require(actor, meeting, RECORD)
    _require_state(meeting, {MeetingState.IN_SESSION}, _("the votes"))
    if item.meeting_id != meeting.pk or not item.is_voted:
        raise errors.InvalidData(_("This item is not put to the vote."))
    if choice not in Choice.values:
        raise errors.InvalidData(_("Choose for, against or abstention."))
    if item.interests.filter(person=voter).exists():
        raise errors.InvalidData(
            _("%(person)s declared an interest in this item and does not take part in the vote.")
            % {"person": voter},
            code="conflict_of_interest",
        )
    holder_id = meeting.voices(item).get(voter.pk)
    if holder_id is None:
        raise errors.InvalidData(
            _("%(person)s is neither present nor represented by an attending member on this item.")
            % {"person": voter},
            code="no_voice",
        )
    previous = item.votes.filter(voter=voter).values_list("choice", flat=True).first()
    vote, _created = Vote.objects.update_or_create(
        item=item,
        voter=voter,
        defaults={"cast_by_id": holder_id, "choice": choice, "recorded_by": actor},
    )
    record(
        meeting,
        "vote_recorded",
        actor=actor,
        principal=principal,
        data={
            "item": item.order,
            "voter": voter.pk,
            "cast_by": holder_id,
            "choice": choice,
            **({"previous": previous} if previous else {}),
        },
        request_info=request_info,
    )
    return vote


def votes_record(
    *,
    item: AgendaItem,
    actor: Person,
    choices: Mapping[int, str],
    request_info: Mapping[str, str] | None = None,
) -> list[Vote]:
    """Several voices on one item, all or none (the vote form of the page)."""
    people = Person.objects.in_bulk(list(choices))
    if set(choices) - set(people):
        raise errors.InvalidData(_("Choose a member of the body."))
    with transaction.atomic():
        return [
            vote_record(
                item=item, actor=actor, voter=people[pk], choice=choice, request_info=request_info
            )
            for pk, choice in choices.items()
            if choice
        ]


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
    """After a lapse, the same agenda again under the second-convocation quorum."""
    meeting = _locked(meeting)
    if meeting.state != MeetingState.LAPSED:
        raise errors.InvalidState(
            _("A second convocation follows a meeting that lapsed for lack of quorum.")
        )
    if meeting.convocation != 1:
        raise errors.InvalidState(_("This meeting was already a second convocation."))
    if meeting.next_convocations.exists():
        raise errors.InvalidState(_("A second convocation already exists for this meeting."))
    items = [
        {"title": i.title, "kind": i.kind, "description": i.description, "subject": i.subject}
        for i in meeting.items.all()
    ]
    return meeting_plan(
        actor=actor,
        body=meeting.body,
        starts_at=starts_at,
        place=meeting.place if place is None else place,
        video_link=meeting.video_link if video_link is None else video_link,
        items=items,
        previous=meeting,
        request_info=request_info,
    )


@transaction.atomic
def extract_request_create(
    *, deliberation: Deliberation, actor: Person, **info: Any
) -> ExtractRequest:
    """Anyone in the ARML's scope asks for a certified extract of a final, adopted deliberation;
    the president issues it (the `issue` transition)."""
    if not armls_for(actor).filter(pk=deliberation.arml_id).exists():
        raise PermissionDenied(_("This deliberation is outside your scope."))
    if not (deliberation.adopted and deliberation.is_final):
        raise errors.InvalidState(
            _(
                "Only a final, adopted deliberation can be extracted: "
                "the minutes must be signed first."
            )
        )
    request = ExtractRequest.objects.create(
        arml_id=deliberation.arml_id, deliberation=deliberation, requested_by=actor
    )
    record(
        request,
        "requested",
        actor=actor,
        data={"deliberation": deliberation.number},
        request_info=info.get("request_info"),
    )
    return request
