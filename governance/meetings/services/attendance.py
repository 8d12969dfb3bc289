"""The attendance sheet and the proxies (pouvoirs) given for the meeting."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from governance.meetings.models import (
    ATTENDING,
    SHEET_OPEN,
    Attendance,
    Meeting,
    Presence,
    Proxy,
)
from governance.meetings.rules import RECORD
from governance.meetings.services.common import _check_member, _locked, _meeting_of, _require_state
from governance.organisations.models import Person
from permissions.authorization import Principal
from workflows import errors
from workflows.acts import record, refusals_ledgered, require

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
