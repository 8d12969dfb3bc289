"""Meeting services (writes; the reads are in selectors.py, docs/architecture.md).

State changes (convene, open, start the session, lapse, close, countersign the minutes) go
through workflows.engine.perform(); the records made between them — agenda, attendance,
proxies, interests, votes, receipts — are written here, each ledgered as an event. Who records:
the ARML's secretary or president (the attendance sheet and the tally are theirs). Every write
locks the meeting row, so a record cannot slip in while the meeting changes state. Every refusal
carries a stable code (README § Codes de refus) and is ledgered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.meetings.models import (
    ATTENDING,
    FINISHED,
    LAPSES,
    SHEET_OPEN,
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
from permissions.authorization import Principal
from permissions.selectors import armls_for
from workflows import errors
from workflows.acts import record, refusals_ledgered, require


class MeetingClosed(errors.InvalidState):
    """A change refused because the meeting is closed (or lapsed): its records are final."""

    code = "meeting_closed"


# -- shared steps ------------------------------------------------------------------------------
def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("body", "arml").get(pk=meeting.pk)


def _require_state(meeting: Meeting, states: Iterable[str], what: str, code: str) -> None:
    if meeting.state in states:
        return
    values = {"what": what, "state": meeting.state_label()}
    if meeting.state in FINISHED:
        raise MeetingClosed(_("The meeting is closed: %(what)s can no longer be changed.") % values)
    if meeting.state in LAPSES:
        raise MeetingClosed(_("The meeting lapsed: %(what)s can no longer be changed.") % values)
    raise errors.InvalidState(
        _("You cannot change %(what)s while the meeting is “%(state)s”.") % values, code=code
    )


def _meeting_of(kwargs: dict[str, Any]) -> Meeting:
    """The meeting a refused record is ledgered on, from the service's arguments."""
    if "meeting" in kwargs:
        return kwargs["meeting"]
    if "item" in kwargs:
        return kwargs["item"].meeting
    return kwargs["invitation"].meeting


def _check_member(meeting: Meeting, person: Person) -> None:
    """Never names the person: they may belong to another ARML, outside the user's scope."""
    if person.pk not in meeting.member_ids():
        raise errors.InvalidData(
            _("This person is not a member of the %(body)s on the day of the meeting.")
            % {"body": meeting.body.name},
            code="not_a_member",
        )


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


def _full_clean(obj: Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise errors.InvalidData(
            " ".join(exc.messages), details=getattr(exc, "message_dict", None)
        ) from None


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


# -- attendance ------------------------------------------------------------------------------
RECORDABLE = frozenset({Presence.PRESENT, Presence.REMOTE, Presence.ABSENT})


def _check_status(status: str) -> None:
    if status not in RECORDABLE:
        raise errors.InvalidData(
            _("Choose present, remote or absent; a proxy makes a member represented."),
            code="invalid_presence",
        )


def _check_giver_stays_away(meeting: Meeting, person: Person, status: str) -> Proxy | None:
    """A member who gave a proxy is represented: withdraw it before recording them present."""
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
    return proxy


def _check_holder_stays(meeting: Meeting, person: Person, status: str, proxy: Proxy | None) -> None:
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


def _record_attendance(
    meeting: Meeting,
    *,
    actor: Person,
    principal: Principal,
    person: Person,
    status: str,
    request_info: Mapping[str, str] | None,
) -> Attendance:
    """One line of the sheet, checked then written (the caller locked the meeting)."""
    _check_member(meeting, person)
    _check_status(status)
    proxy = _check_giver_stays_away(meeting, person, status)
    _check_holder_stays(meeting, person, status, proxy)
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


def _sheet(meeting: Meeting, actor: Person) -> tuple[Meeting, Principal]:
    meeting = _locked(meeting)
    principal = require(actor, meeting, RECORD)
    _require_state(meeting, SHEET_OPEN, _("the attendance sheet"), "sheet_frozen")
    return meeting, principal


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
    meeting, principal = _sheet(meeting, actor)
    return _record_attendance(
        meeting,
        actor=actor,
        principal=principal,
        person=person,
        status=status,
        request_info=request_info,
    )


@refusals_ledgered("record_attendance", _meeting_of)
@transaction.atomic
def attendance_record_many(
    *,
    meeting: Meeting,
    actor: Person,
    statuses: Mapping[int, str],
    request_info: Mapping[str, str] | None = None,
) -> list[Attendance]:
    """Several lines of the sheet (the page's form), all or nothing: the first refusal or
    failure leaves the sheet as it was. Lines already recorded with the same status are
    skipped."""
    meeting, principal = _sheet(meeting, actor)
    people = Person.objects.in_bulk([pk for pk in statuses if pk in meeting.member_ids()])
    current = meeting.presence()
    rows = []
    for pk, status in statuses.items():
        if pk not in people:
            raise errors.InvalidData(
                _("This person is not a member of the %(body)s on the day of the meeting.")
                % {"body": meeting.body.name},
                code="not_a_member",
            )
        if not status or status == current.get(pk):
            continue
        rows.append(
            _record_attendance(
                meeting,
                actor=actor,
                principal=principal,
                person=people[pk],
                status=status,
                request_info=request_info,
            )
        )
    return rows


# -- proxies -----------------------------------------------------------------------------------
def _check_not_to_self(giver: Person, holder: Person) -> None:
    if giver.pk == holder.pk:
        raise errors.InvalidData(
            _("A member cannot give a proxy to themselves."), code="proxy_to_self"
        )


def _check_holder_is_member(meeting: Meeting, holder: Person) -> None:
    if holder.pk not in meeting.member_ids():
        raise errors.InvalidData(
            _("A proxy can only be given to a member of the body on the day of the meeting."),
            code="proxy_holder_not_member",
        )


def _check_giver_absent(meeting: Meeting, giver: Person, presence: Mapping[int, str]) -> None:
    if presence.get(giver.pk) in ATTENDING:
        raise errors.InvalidData(
            _("%(person)s is recorded as present: a member cannot both attend and give a proxy.")
            % {"person": giver},
            code="proxy_giver_attends",
        )


def _check_one_proxy_per_giver(meeting: Meeting, giver: Person) -> None:
    if meeting.proxies.filter(giver=giver).exists():
        raise errors.InvalidData(
            _("%(person)s has already given a proxy.") % {"person": giver},
            code="proxy_already_given",
        )


def _check_holder_gave_none(meeting: Meeting, holder: Person) -> None:
    if meeting.proxies.filter(giver=holder).exists():
        raise errors.InvalidData(
            _("%(holder)s has given a proxy themselves and cannot hold one.") % {"holder": holder},
            code="proxy_holder_gave_one",
        )


def _check_holder_attends(meeting: Meeting, holder: Person, presence: Mapping[int, str]) -> None:
    """A holder recorded absent cannot carry a voice (one not yet recorded may still come)."""
    if presence.get(holder.pk) == Presence.ABSENT:
        raise errors.InvalidData(
            _("%(holder)s is recorded as absent and cannot hold a proxy.") % {"holder": holder},
            code="proxy_holder_absent",
        )


def _check_cap(meeting: Meeting, holder: Person) -> None:
    cap = meeting.rules.max_proxies_per_holder
    held = meeting.proxies.filter(holder=holder).count()
    if held >= cap:
        raise errors.InvalidData(
            _("%(holder)s already holds %(held)s: the rules allow at most %(cap)s per holder.")
            % {
                "holder": holder,
                "held": _proxies(held),
                "cap": cap,
            },
            code="proxy_cap",
        )


def _proxies(n: int) -> str:
    from governance.meetings.documents import proxies_sentence

    return proxies_sentence(n)


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
    _require_state(meeting, SHEET_OPEN, _("the proxies"), "sheet_frozen")
    _check_not_to_self(giver, holder)
    _check_member(meeting, giver)
    _check_holder_is_member(meeting, holder)
    presence = meeting.presence()
    _check_giver_absent(meeting, giver, presence)
    _check_one_proxy_per_giver(meeting, giver)
    _check_holder_gave_none(meeting, holder)
    _check_holder_attends(meeting, holder, presence)
    _check_cap(meeting, holder)
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
    _require_state(meeting, SHEET_OPEN, _("the proxies"), "sheet_frozen")
    deleted, _rows = meeting.proxies.filter(giver=giver).delete()
    if not deleted:
        raise errors.InvalidData(_("This member has given no proxy."), code="no_proxy")
    meeting.attendances.filter(person=giver, status=Presence.REPRESENTED).delete()
    record(
        meeting,
        "proxy_withdrawn",
        actor=actor,
        principal=principal,
        data={"giver": giver.pk},
        request_info=request_info,
    )


# -- interests and votes -------------------------------------------------------------------------
INTEREST_STATES = frozenset(
    {MeetingState.PLANNED, MeetingState.CONVENED, MeetingState.OPENED, MeetingState.IN_SESSION}
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
    _require_state(meeting, INTEREST_STATES, _("the declarations of interest"), "invalid_state")
    _check_member(meeting, person)
    if item.votes.filter(cast_by=person).exists() or item.votes.filter(voter=person).exists():
        raise errors.InvalidData(
            _("%(person)s has already voted on this item: declare the interest before the vote.")
            % {"person": person},
            code="already_voted",
        )
    declaration, _created = InterestDeclaration.objects.get_or_create(
        item=item, person=person, defaults={"reason": reason[:300]}
    )
    record(
        meeting,
        "interest_declared",
        actor=actor,
        data={"item": item.order, "person": person.pk, "reason": reason[:300]},
        request_info=request_info,
    )
    return declaration


def _check_put_to_vote(meeting: Meeting, item: AgendaItem) -> None:
    if item.meeting_id != meeting.pk or not item.is_voted:
        raise errors.InvalidData(_("This item is not put to the vote."), code="not_put_to_vote")


def _check_choice(choice: str) -> None:
    if choice not in Choice.values:
        raise errors.InvalidData(
            _("Choose for, against, abstention or does not take part in the vote."),
            code="invalid_choice",
        )


def _check_no_interest(item: AgendaItem, voter: Person) -> None:
    if item.interests.filter(person=voter).exists():
        raise errors.InvalidData(
            _("%(person)s declared an interest in this item and does not take part in the vote.")
            % {"person": voter},
            code="conflict_of_interest",
        )


def _holder_of_voice(meeting: Meeting, item: AgendaItem, voter: Person) -> int:
    holder_id = meeting.voices(item).get(voter.pk)
    if holder_id is None:
        raise errors.InvalidData(
            _("%(person)s is neither present nor represented by an attending member on this item.")
            % {"person": voter},
            code="no_voice",
        )
    return holder_id


def _record_vote(
    meeting: Meeting,
    item: AgendaItem,
    *,
    actor: Person,
    principal: Principal,
    voter: Person,
    choice: str,
    request_info: Mapping[str, str] | None,
) -> Vote:
    """One voice, checked then written (the caller locked the meeting in session)."""
    _check_put_to_vote(meeting, item)
    _check_choice(choice)
    _check_member(meeting, voter)
    _check_no_interest(item, voter)
    holder_id = _holder_of_voice(meeting, item, voter)
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


def _tally(item: AgendaItem, actor: Person) -> tuple[Meeting, Principal]:
    meeting = _locked(item.meeting)
    principal = require(actor, meeting, RECORD)
    _require_state(meeting, {MeetingState.IN_SESSION}, _("the votes"), "not_in_session")
    return meeting, principal


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
    meeting, principal = _tally(item, actor)
    return _record_vote(
        meeting,
        item,
        actor=actor,
        principal=principal,
        voter=voter,
        choice=choice,
        request_info=request_info,
    )


@refusals_ledgered("record_vote", _meeting_of)
@transaction.atomic
def votes_record(
    *,
    item: AgendaItem,
    actor: Person,
    choices: Mapping[int, str],
    request_info: Mapping[str, str] | None = None,
) -> list[Vote]:
    """Several voices on one item, all or none (the vote form of the page)."""
    meeting, principal = _tally(item, actor)
    people = Person.objects.in_bulk([pk for pk in choices if pk in meeting.member_ids()])
    if set(choices) - set(people):
        raise errors.InvalidData(
            _("This person is not a member of the %(body)s on the day of the meeting.")
            % {"body": meeting.body.name},
            code="not_a_member",
        )
    return [
        _record_vote(
            meeting,
            item,
            actor=actor,
            principal=principal,
            voter=people[pk],
            choice=choice,
            request_info=request_info,
        )
        for pk, choice in choices.items()
        if choice
    ]


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
