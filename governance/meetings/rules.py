"""Rules of the meetings room: the arithmetic of notice, quorum and majorities (pure functions of
numbers, no ORM), the vocabulary it counts, and who may do what outside transitions (declared
once, read by the services, the pages and the delegation form).

Rules chosen here (also in the README):
- Notice period in *jours francs* (clear days): neither the day the convocation is sent nor the
  day of the meeting counts. Sent on day S with a notice of N days, the meeting may be held on
  S + N + 1 at the earliest.
- A meeting is held on its day: it opens no earlier than its start minus the body's opening
  margin (Europe/Paris time, the settings' TIME_ZONE).
- Quorum: members present (on site or remote) plus members represented by a proxy whose holder
  attends, at least ⌈quorum × members⌉, and at least one member attending. The second
  convocation uses the rules' second-convocation quorum (0: none).
- Majorities: votes cast = more for than against (abstentions and members not taking part are
  not votes cast); absolute = more than half of the members entitled to vote on the item;
  two-thirds = at least two thirds of the votes cast. A tie under the votes-cast rule follows the
  chair's vote when the rules give a casting vote, else the motion is rejected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Majority, Role
from permissions.authorization import act


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    REMOTE = "remote", _("Present remotely")
    ABSENT = "absent", _("Absent")
    REPRESENTED = "represented", _("Represented")


ATTENDING = frozenset({Presence.PRESENT, Presence.REMOTE})


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstention")
    NOT_VOTING = "not_voting", _("Does not take part in the vote")


# -- time ------------------------------------------------------------------------------------
def earliest_meeting_date(sent_on: dt.date, notice_days: int) -> dt.date:
    """Jours francs: the day of sending and the day of the meeting are not counted."""
    return sent_on + dt.timedelta(days=notice_days + 1)


def opens_at(starts_at: dt.datetime, margin_minutes: int) -> dt.datetime:
    """The earliest moment a meeting may open: its start less the body's opening margin."""
    return starts_at - dt.timedelta(minutes=margin_minutes)


def may_open(now: dt.datetime, starts_at: dt.datetime, margin_minutes: int) -> bool:
    return now >= opens_at(starts_at, margin_minutes)


# -- quorum ----------------------------------------------------------------------------------
def required_for(members: int, numerator: int, denominator: int) -> int:
    """⌈members × numerator / denominator⌉ in integers (no float rounding at the boundary)."""
    return -(-members * numerator // denominator)


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    represented: int
    required: int
    numerator: int
    denominator: int
    second_convocation: bool = False

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def met(self) -> bool:
        return self.present >= 1 and self.counted >= self.required

    @property
    def waived(self) -> bool:
        return self.numerator == 0


def quorum(
    *,
    members: int,
    present: int,
    represented: int,
    numerator: int,
    denominator: int,
    second_convocation: bool = False,
) -> Quorum:
    return Quorum(
        members,
        present,
        represented,
        required_for(members, numerator, denominator),
        numerator,
        denominator,
        second_convocation,
    )


# -- majorities ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    votes_for: int
    against: int
    abstain: int
    entitled: int  # members entitled to vote on the item (interested members excluded)
    majority: str
    adopted: bool
    casting_vote: bool = False
    not_voting: int = 0

    @property
    def cast(self) -> int:
        return self.votes_for + self.against


def decide(
    votes_for: int,
    against: int,
    abstain: int,
    *,
    entitled: int,
    majority: str,
    chair_casting_vote: bool,
    chair_choice: str | None,
    not_voting: int = 0,
) -> Result:
    """The result of one item under the body's majority rule (see the module docstring)."""
    cast = votes_for + against
    casting = False
    if majority == Majority.ABSOLUTE:
        adopted = 2 * votes_for > entitled
    elif majority == Majority.TWO_THIRDS:
        adopted = votes_for > 0 and 3 * votes_for >= 2 * cast
    elif (
        votes_for == against
        and cast > 0
        and chair_casting_vote
        and chair_choice in {Choice.FOR, Choice.AGAINST}
    ):
        adopted, casting = chair_choice == Choice.FOR, True
    else:
        adopted = votes_for > against
    return Result(votes_for, against, abstain, entitled, majority, adopted, casting, not_voting)


def count(choices: Iterable[str]) -> dict[str, int]:
    """Voices recorded per choice (every choice present, 0 when none)."""
    counts = dict.fromkeys(Choice.values, 0)
    for choice in choices:
        counts[choice] += 1
    return counts


def missing(entitled: Iterable[int], recorded: Iterable[int]) -> list[int]:
    """Who is entitled to a voice on an item and has none recorded (for, against, abstention or
    not taking part): a vote is complete only when this is empty."""
    done = set(recorded)
    return sorted(p for p in set(entitled) if p not in done)


# -- who may act -----------------------------------------------------------------------------
#: Who keeps the attendance sheet, the proxies and the tally (statuts: the secretary, or the
#: president in their absence).
RECORDERS = frozenset({Role.SECRETARY, Role.PRESIDENT})
#: The roles a body's rules may name to convene and chair it (BodyRules.convener_role).
CONVENER_ROLES = frozenset({Role.PRESIDENT, Role.COMMITTEE_CHAIR})
#: The roles a body's rules may name to issue certified extracts (BodyRules.extract_issuer_role).
EXTRACT_ISSUER_ROLES = frozenset({Role.PRESIDENT, Role.SECRETARY})


def _body_rules(obj: Any) -> Any:
    from governance.meetings.models import rules_of  # the body's rules row (models import us)

    body = obj if obj._meta.model_name == "body" else obj.body
    return rules_of(body)


def convener_roles(obj: Any) -> frozenset[str]:
    """The role the body's rules name to convene it (obj: a body or one of its meetings; of
    anything else, such as an ARML asked what it may do there, any role a body may name)."""
    if obj._meta.model_name != "body" and not hasattr(obj, "body"):
        return CONVENER_ROLES
    return frozenset({_body_rules(obj).convener})


def extract_issuer_roles(obj: Any) -> frozenset[str]:
    """The role the body's rules name to issue certified extracts (obj: an extract request)."""
    return frozenset({_body_rules(obj.deliberation.meeting).extract_issuer_role})


PLAN = act("meeting.plan", label=_("Plan a meeting"), roles=convener_roles)
SET_AGENDA = act("meeting.set_agenda", label=_("Set the agenda"), roles=convener_roles)
RECORD = act(
    "meeting.record",
    label=_("Record attendance, proxies, interests and votes"),
    roles=RECORDERS,
)
