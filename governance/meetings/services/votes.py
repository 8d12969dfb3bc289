"""Interests declared on an item, and the votes recorded by the tally."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from governance.meetings.models import (
    AgendaItem,
    Choice,
    InterestDeclaration,
    Meeting,
    MeetingState,
    Vote,
)
from governance.meetings.rules import RECORD
from governance.meetings.services.common import _check_member, _locked, _meeting_of, _require_state
from governance.organisations.models import Person
from permissions.authorization import Principal
from workflows import errors
from workflows.acts import record, refusals_ledgered, require

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
