"""The minutes as evidence (issue 13.6): the canonical content of a meeting's minutes — attendance,
proxies, quorum, interests, every voice per item, results and register numbers — is recorded
with its SHA-256 in the ledger event that closes the meeting (or records its lapse); `verify()`
recomputes it from the rows and names every meeting whose rows no longer match
(`manage.py meetings verify`).

The ledger's own chain proves the event unchanged (`manage.py audit verify`); this proves the
rows the event describes unchanged. Database triggers refuse most changes anyway
(migration 0009); this catches what a database owner could still do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from governance.meetings.models import FINISHED, LAPSES, Deliberation, ItemKind, Meeting

#: The ledger events that record the minutes' content.
RECORDING_ACTIONS = ("meeting.closed", "meeting.lapsed")


def _deliberation(d: Deliberation | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "number": d.number,
        "sequence": d.sequence,
        "year": d.year,
        "body_kind": d.body_kind,
        "for": d.votes_for,
        "against": d.votes_against,
        "abstain": d.abstentions,
        "not_voting": d.not_voting,
        "entitled": d.entitled,
        "majority": d.majority,
        "adopted": d.adopted,
        "casting_vote": d.casting_vote,
    }


def minutes_content(meeting: Meeting) -> dict[str, Any]:
    """What the minutes establish, from the rows, in a canonical shape (ids, no labels)."""
    deliberations = {d.item_id: d for d in Deliberation.objects.filter(meeting=meeting)}
    items = []
    for item in meeting.items.order_by("order").prefetch_related("votes", "interests"):
        items.append(
            {
                "order": item.order,
                "title": item.title,
                "kind": item.kind,
                "subject": [item.subject_id, item.subject_fingerprint],
                "interests": sorted(i.person_id for i in item.interests.all()),
                "votes": sorted([v.voter_id, v.cast_by_id, v.choice] for v in item.votes.all())
                if item.kind != ItemKind.INFORMATION
                else [],
                "deliberation": _deliberation(deliberations.pop(item.pk, None)),
            }
        )
    return {
        "meeting": meeting.pk,
        "body": meeting.body_id,
        "convocation": meeting.convocation,
        "starts_at": meeting.starts_at.isoformat(),
        "chair": meeting.chair_id,
        "secretary": meeting.secretary_id,
        "quorum": [meeting.quorum_members, meeting.quorum_present, meeting.quorum_represented],
        "attendance": sorted([a.person_id, a.status] for a in meeting.attendances.all()),
        "proxies": sorted([p.giver_id, p.holder_id] for p in meeting.proxies.all()),
        "items": items,
        # a deliberation on no item of this meeting's agenda: never legitimate
        "stray_deliberations": sorted(d.pk for d in deliberations.values()),
    }


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def minutes_record(meeting: Meeting) -> dict[str, Any]:
    """What the closing (or lapse) event records: the content and its SHA-256."""
    content = minutes_content(meeting)
    return {"sha256": digest(content), "content": content}


@dataclass(frozen=True)
class Finding:
    meeting_id: int
    label: str
    problem: str


def _recorded(meeting: Meeting) -> dict[str, Any] | None:
    from audit.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            object_type=meeting._meta.label_lower,
            object_id=str(meeting.pk),
            action__in=RECORDING_ACTIONS,
        )
        .order_by("-seq")
        .first()
    )
    return event.data.get("minutes") if event is not None else None


def verify(meetings: Any = None) -> list[Finding]:
    """Every closed or lapsed meeting whose rows differ from what its closing event recorded,
    and every deliberation of a meeting that never closed."""
    findings = []
    qs = meetings if meetings is not None else Meeting.objects.all()
    ended = qs.filter(state__in=[*FINISHED, *LAPSES]).select_related("body").order_by("pk")
    for meeting in ended:
        recorded = _recorded(meeting)
        label = f"{meeting.reference()} {meeting}"
        if recorded is None:
            findings.append(Finding(meeting.pk, label, "no closing event records the minutes"))
            continue
        content = minutes_content(meeting)
        if digest(content) != recorded.get("sha256"):
            changed = sorted(
                key
                for key in set(content) | set(recorded.get("content") or {})
                if content.get(key) != (recorded.get("content") or {}).get(key)
            )
            findings.append(
                Finding(
                    meeting.pk, label, "rows differ from the closing event: " + ", ".join(changed)
                )
            )
    open_ids = qs.exclude(state__in=[*FINISHED]).values("pk")
    for d in Deliberation.objects.filter(meeting__in=open_ids).select_related("meeting__body"):
        findings.append(
            Finding(
                d.meeting_id, f"{d.meeting.reference()} {d.meeting}", "deliberation before close"
            )
        )
    return findings
