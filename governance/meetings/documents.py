"""The facts each meeting PDF prints — the convocation, the minutes, the minutes of lapse
(procès-verbal de carence) and the certified extract — and the sentences the pages show about
quorums and results. Dates and numbers through Django's localized formats.

Minutes and extracts are dated and placed from the meeting ("Fait à Rennes, le 10 décembre
2026"): the place is the meeting's, or the ARML's city for a meeting held by video conference;
signature dates are the signatures' own.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.meetings.rules import Presence, Quorum, Result
from governance.organisations.models import Mandate, Person, Role

if TYPE_CHECKING:
    from governance.meetings.models import AgendaItem, ExtractRequest, Meeting
    from workflows.lifecycle import TransitionContext


def short_date(day: dt.date | dt.datetime) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def long_date(day: dt.date | dt.datetime) -> str:
    return date_format(day, "DATE_FORMAT")


def meeting_label(meeting: Meeting) -> str:
    label = f"{meeting.body.name} — {short_date(meeting.day)}"
    if meeting.convocation == 2:
        label += " (" + _("second convocation") + ")"
    return label


# -- sentences -------------------------------------------------------------------------------
def quorum_sentence(quorum: Quorum) -> str:
    """ "5 membres présents ou représentés (4 présents, 1 représenté) sur 8 ; quorum (1/2) : 4."."""
    present = ngettext("%(n)d present", "%(n)d present", quorum.present) % {"n": quorum.present}
    represented = ngettext("%(n)d represented", "%(n)d represented", quorum.represented) % {
        "n": quorum.represented
    }
    if quorum.waived:
        text = _(
            "Second convocation: no quorum is required. %(present)s and %(represented)s, out "
            "of %(members)s."
        ) % {
            "present": present,
            "represented": represented,
            "members": ngettext("%(n)d member", "%(n)d members", quorum.members)
            % {"n": quorum.members},
        }
    else:
        counted = ngettext(
            "%(n)d member present or represented",
            "%(n)d members present or represented",
            quorum.counted,
        ) % {"n": quorum.counted}
        text = _(
            "%(counted)s (%(present)s, %(represented)s) out of %(members)s; quorum (%(rule)s): "
            "%(required)s."
        ) % {
            "counted": counted,
            "present": present,
            "represented": represented,
            "members": number_format(quorum.members),
            "rule": f"{quorum.numerator}/{quorum.denominator}",
            "required": number_format(quorum.required),
        }
    met = _("The quorum is met.") if quorum.met else _("The quorum is not met.")
    return f"{text} {met}"


def outcome_sentence(result: Result) -> str:
    text = _("Adopted.") if result.adopted else _("Rejected.")
    if result.casting_vote:
        text += " " + _("Tie settled by the chair's casting vote.")
    return text


def votes_sentence(result: Result) -> str:
    text = _("For: %(for)s, against: %(against)s, abstentions: %(abstain)s.") % {
        "for": result.votes_for,
        "against": result.against,
        "abstain": result.abstain,
    }
    if result.not_voting:
        text += " " + not_voting_sentence(result.not_voting)
    return text


def not_voting_sentence(n: int) -> str:
    return ngettext(
        "%(n)d member did not take part in the vote.",
        "%(n)d members did not take part in the vote.",
        n,
    ) % {"n": n}


def tally_sentence(recorded: int, entitled: int) -> str:
    """ "vote en cours (3 voix sur 6)": a result is shown only once every voice is recorded."""
    return ngettext(
        "vote in progress (%(n)d voice of %(total)d)",
        "vote in progress (%(n)d voices of %(total)d)",
        recorded,
    ) % {"n": recorded, "total": entitled}


def proxies_sentence(n: int) -> str:
    return ngettext("%(n)d proxy", "%(n)d proxies", n) % {"n": n}


# -- the meeting's place, date, people -------------------------------------------------------
def place_of(meeting: Meeting) -> str:
    """Where the minutes are drawn up: the meeting's place, or the ARML's city when it was held
    by video conference only."""
    return meeting.place or meeting.arml.city or meeting.arml.address


def meeting_facts(meeting: Meeting) -> dict[str, Any]:
    local = timezone.localtime(meeting.starts_at)
    place = meeting.place
    if meeting.video_link:
        place = f"{place} — " if place else ""
        place += _("video conference: %(link)s") % {"link": meeting.video_link}
    return {
        "body": meeting.body.name,
        "date": local.date().isoformat(),
        "time": date_format(local, "TIME_FORMAT"),
        "place": place,
    }


def capacity(person: Person | None, role: str, meeting: Meeting) -> str:
    """ "Hélène Aubry, Présidente de l'ARML": the mandate's own title when it has one."""
    if person is None:
        return ""
    mandate = (
        Mandate.objects.active(on=meeting.day)
        .filter(person=person, arml_id=meeting.arml_id, role=role)
        .exclude(title="")
        .first()
    )
    title = mandate.title if mandate else str(Role(role).label)
    return f"{person}, {title}"


def officers(meeting: Meeting) -> tuple[str, str]:
    """The chair and the secretary of the meeting, named with their capacities."""
    return (
        capacity(meeting.chair, meeting.rules.convener, meeting),
        capacity(meeting.secretary, Role.SECRETARY, meeting),
    )


def signers(meeting: Meeting) -> list[dict[str, str]]:
    """The minutes' two signature boxes, named (the slots are declared on the transitions)."""
    chair, secretary = officers(meeting)
    return [
        {
            "field": "chair",
            "role": meeting.rules.convener,
            "label": _("The chair of the meeting"),
            "name": chair,
        },
        {
            "field": "secretary",
            "role": Role.SECRETARY,
            "label": _("The secretary of the meeting"),
            "name": secretary,
        },
    ]


def attendance_facts(meeting: Meeting) -> dict[str, list[str]]:
    """Present, represented and absent members — absent only if recorded absent: a member whose
    attendance was not recorded is listed as such, never among the absent."""
    people = {p.pk: p for p in meeting.members()}
    presence = meeting.presence()
    holders = meeting.proxy_holders()
    lists: dict[str, list[str]] = {"present": [], "represented": [], "absent": [], "unknown": []}
    for pk, person in people.items():
        status = presence.get(pk)
        if status == Presence.REMOTE:
            lists["present"].append(_("%(name)s (remote)") % {"name": person})
        elif status == Presence.PRESENT:
            lists["present"].append(str(person))
        elif pk in holders and holders[pk] in people:
            lists["represented"].append(
                _("%(name)s (proxy to %(holder)s)")
                % {"name": person, "holder": people[holders[pk]]}
            )
        elif status == Presence.ABSENT:
            lists["absent"].append(str(person))
        else:
            lists["unknown"].append(str(person))
    return lists


def agenda_lines(meeting: Meeting) -> list[str]:
    lines = []
    for item in meeting.items.all():
        line = item.title
        if item.kind != "deliberation":
            line += f" ({item.get_kind_display()})"
        if item.subject_label:
            line += " — " + _("on %(subject)s") % {"subject": item.subject_label}
        lines.append(line)
    return lines


def subject_sentence(item: AgendaItem) -> str:
    """ "Objet : CPOM 2026-2028 — référence CPOM-2026-2028-001, version v3." (not a hash)."""
    if not item.subject_label:
        return ""
    if item.subject_reference:
        return _("Subject: %(subject)s — reference %(ref)s, version %(version)s.") % {
            "subject": item.subject_label,
            "ref": item.subject_reference,
            "version": item.subject_version or "—",
        }
    return _("Subject: %(subject)s.") % {"subject": item.subject_label}


def minutes_item(item: AgendaItem, meeting: Meeting, notes: list[str]) -> dict[str, Any]:
    text = [item.description] if item.description else []
    subject = subject_sentence(item)
    if subject:
        text.append(subject)
    if item.subject_fingerprint:
        notes.append(
            _("Item %(n)s: SHA-256 fingerprint of the version decided on: %(fp)s.")
            % {"n": item.order, "fp": item.subject_fingerprint}
        )
    interested = [str(d.person) for d in item.interests.select_related("person")]
    if interested:
        text.append(
            _("Declared an interest and did not take part in the vote: %(names)s.")
            % {"names": ", ".join(interested)}
        )
    facts: dict[str, Any] = {"title": item.title, "text": " ".join(text)}
    if not item.is_voted:
        facts["outcome"] = _("Information item: no vote.")
        return facts
    deliberation = getattr(item, "deliberation", None)
    result = deliberation.result if deliberation is not None else meeting.result(item)
    if result is None:
        return facts
    facts["vote"] = {"for": result.votes_for, "against": result.against, "abstain": result.abstain}
    outcome = outcome_sentence(result)
    if result.not_voting:
        outcome = not_voting_sentence(result.not_voting) + " " + outcome
    if deliberation is not None and deliberation.number:
        outcome += " " + _("Deliberation no. %(n)s.") % {"n": deliberation.number}
    facts["outcome"] = outcome
    return facts


# -- each document ----------------------------------------------------------------------------
def meeting_document_facts(meeting: Meeting, name: str, ctx: TransitionContext) -> dict[str, Any]:
    facts: dict[str, Any] = {"meeting": meeting_facts(meeting)}
    if name == "convene":
        facts.update(convocation_facts(meeting, ctx))
    elif name == "close":
        facts.update(minutes_facts(meeting))
    elif name == "lapse":
        facts.update(lapse_facts(meeting))
    elif name == "start_session":
        facts["body"] = [quorum_sentence(meeting.frozen_quorum())]
    return facts


def convocation_facts(meeting: Meeting, ctx: TransitionContext) -> dict[str, Any]:
    rules = meeting.rules
    quorum = meeting.quorum()
    body = [
        _("%(chair)s convenes the members of the %(body)s to the meeting below.")
        % {"chair": ctx.principal, "body": meeting.body.name}
    ]
    if meeting.convocation == 2 and meeting.previous is not None:
        body.append(
            _(
                "Second convocation, the first meeting of %(date)s having lapsed for lack of "
                "quorum: the same agenda, and no other item."
            )
            % {"date": long_date(meeting.previous.day)}
        )
    body.append(
        _("Quorum: %(n)s/%(d)s of the members present or represented.")
        % {"n": quorum.numerator, "d": quorum.denominator}
        if quorum.numerator
        else _("No quorum is required.")
    )
    body.append(
        ngettext(
            "A member who cannot attend may give a proxy to another member (at most %(n)d per "
            "holder).",
            "A member who cannot attend may give a proxy to another member (at most %(n)d per "
            "holder).",
            rules.max_proxies_per_holder,
        )
        % {"n": rules.max_proxies_per_holder}
    )
    # The pack: what a subject puts before the members with the agenda (the register of
    # regulated agreements on which the statutory auditor reports…), declared by the subject.
    for item in meeting.items.all():
        subject = item.subject if item.subject_content_type_id else None
        pack = getattr(subject, "agenda_pack", None)
        if callable(pack):
            body += pack()
    return {
        "title": _("Notice of meeting — %(meeting)s") % {"meeting": meeting},
        "agenda": agenda_lines(meeting),
        "invitees": [str(p) for p in meeting.members()],
        "body": body,
    }


def _minutes_common(meeting: Meeting) -> dict[str, Any]:
    chair, secretary = officers(meeting)
    body = [_("Chair of the meeting: %(person)s.") % {"person": chair or "—"}]
    body.append(_("Secretary of the meeting: %(person)s.") % {"person": secretary or "—"})
    return {
        "place": place_of(meeting),
        "date": meeting.day.isoformat(),  # dated from the meeting, not from the signature
        "body": body,
        "signers": signers(meeting),
        **attendance_facts(meeting),
        "quorum": quorum_sentence(meeting.frozen_quorum()),
    }


def minutes_facts(meeting: Meeting) -> dict[str, Any]:
    notes: list[str] = []
    items = [minutes_item(item, meeting, notes) for item in meeting.items.all()]
    return {
        **_minutes_common(meeting),
        "title": _("Minutes — %(meeting)s") % {"meeting": meeting},
        "items": items,
        "notes": notes,
    }


def lapse_facts(meeting: Meeting) -> dict[str, Any]:
    return {
        **_minutes_common(meeting),
        "title": _("Minutes of lapse — %(meeting)s") % {"meeting": meeting},
        "items": [
            {
                "title": _("Lapse"),
                "text": _(
                    "For lack of quorum the meeting could not deliberate. A second convocation "
                    "may follow with the second-convocation quorum, on the same agenda."
                ),
            }
        ],
    }


def extract_facts(request: ExtractRequest) -> dict[str, Any]:
    d = request.deliberation
    meeting = d.meeting
    item = d.item
    text = " ".join(
        filter(None, [item.description, subject_sentence(item), outcome_sentence(d.result)])
    )
    signed_on = short_date(timezone.localtime(d.final_at)) if d.final_at else "—"
    return {
        "title": _("Extract of the register of deliberations — %(n)s") % {"n": d.number},
        "meeting": meeting_facts(meeting),
        "place": place_of(meeting),
        "date": meeting.day.isoformat(),
        "deliberation": {
            "number": d.number,
            "title": item.title,
            "text": text,
            "vote": {"for": d.votes_for, "against": d.votes_against, "abstain": d.abstentions},
        },
        "body": [
            _("Requested by %(person)s. Minutes of the meeting signed on %(date)s.")
            % {"person": request.requested_by, "date": signed_on}
        ],
    }


# -- the sentences of the meetings' refusals (the conditions are declared on the transitions) --
def notice_refusal(meeting: Meeting) -> str:
    today = timezone.localdate()
    return _(
        "Too late to convene: the rules require %(n)s clear days of notice (neither the day of "
        "sending nor the day of the meeting counts). Sent on %(sent)s, the meeting cannot be "
        "held before %(earliest)s; it is planned on %(day)s."
    ) % {
        "n": meeting.rules.notice_days,
        "sent": date_format(today, "SHORT_DATE_FORMAT"),
        "earliest": date_format(meeting.earliest_date(today), "SHORT_DATE_FORMAT"),
        "day": date_format(meeting.day, "SHORT_DATE_FORMAT"),
    }


def not_yet_refusal(meeting: Meeting) -> str:
    opens = timezone.localtime(meeting.opens_at)
    return _(
        "The meeting is held on its day: it opens on %(date)s at %(time)s at the earliest "
        "(Paris time)."
    ) % {"date": date_format(opens, "DATE_FORMAT"), "time": date_format(opens, "TIME_FORMAT")}


def unrecorded_refusal(meeting: Meeting) -> str:
    return _(
        "The attendance of every member must be recorded (present, remote, absent or "
        "represented) before the quorum is assessed. Not recorded: %(names)s."
    ) % {"names": _names(meeting.members().filter(pk__in=meeting.unrecorded_ids()))}


def missing_votes_refusal(meeting: Meeting) -> str:
    people = {p.pk: p for p in meeting.members()}
    parts = [
        _("%(item)s: %(names)s") % {"item": item, "names": _names(people[p] for p in ids)}
        for item, ids in meeting.missing_voices().items()
    ]
    return _(
        "Every voice entitled on an item must be recorded (for, against, abstention or does not "
        "take part) before closing. Missing — %(items)s."
    ) % {"items": "; ".join(parts)}


def _names(people: Any) -> str:
    return ", ".join(str(p) for p in people)
