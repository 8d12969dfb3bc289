"""Reads of the meetings room: meetings in scope and what a person may do there, the agenda as
the meeting page shows it, the subjects an agenda may decide on, and the register of
deliberations (with the hook other rooms use to find the deliberation a transition needs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from governance.meetings.models import (
    AgendaItem,
    Deliberation,
    ExtractRequest,
    Meeting,
    MeetingState,
    Result,
    rules_of,
)
from governance.meetings.rules import CONVENER_ROLES, RECORDERS, SET_AGENDA
from governance.organisations.models import Arml, Body, Mandate, Person
from permissions.authorization import may
from permissions.selectors import armls_for
from workflows import errors


def adopted_deliberation_for(
    obj: Model, *, body_kinds: set[str], fingerprint: str | None = None
) -> Deliberation | None:
    """A final, adopted deliberation whose agenda item points at `obj` (with that exact
    `subject_fingerprint` when given), of a meeting of one of `body_kinds` in obj's ARML."""
    if obj.pk is None:
        return None
    qs = Deliberation.objects.filter(
        adopted=True,
        final_at__isnull=False,
        arml_id=obj.arml_id,
        body_kind__in=set(body_kinds),
        item__subject_content_type=ContentType.objects.get_for_model(obj),
        item__subject_id=str(obj.pk),
    )
    if fingerprint is not None:
        qs = qs.filter(item__subject_fingerprint=fingerprint)
    return qs.order_by("-final_at", "-pk").first()


def has_adopted_deliberation(
    obj: Model, body_kinds: frozenset[str], fingerprint: str | None
) -> bool:
    """The finder the engine uses for `Deliberated` requirements (see GovernanceConfig.ready)."""
    return (
        adopted_deliberation_for(obj, body_kinds=set(body_kinds), fingerprint=fingerprint)
        is not None
    )


@dataclass(frozen=True)
class Subject:
    """Something an agenda item may decide on, and the exact version it would decide on."""

    obj: Model
    key: str
    label: str
    fingerprint: str


def agenda_subjects(arml_id: int) -> list[Subject]:
    """What the ARML's bodies may put on an agenda: every object in a state from which a
    transition leaves that declares a deliberation (`Deliberated`), plus the signed minutes of
    earlier meetings (approved at the next one). Derived from the declarations, never listed."""
    from workflows.selectors import lifecycle_models
    from workflows.specs import specs_of

    subjects = []
    for model in lifecycle_models():
        for spec in specs_of(model).values():
            required = spec.deliberation
            if required is None:
                continue
            objects = _subject_queryset(model).filter(arml_id=arml_id, state__in=spec.sources)
            for obj in objects.order_by("-pk"):
                if required.holds_for(obj):
                    label = f"{required.subject} — {obj}" if required.subject else str(obj)
                    subjects.append(
                        Subject(obj, subject_key(obj), label, required.fingerprint_of(obj))
                    )
    minutes = (
        Meeting.objects.filter(arml_id=arml_id, state=MeetingState.MINUTES_SIGNED)
        .select_related("body")
        .order_by("-starts_at")[:10]
    )
    label = _("Approval of the minutes")
    subjects += [
        Subject(m, subject_key(m), f"{label} — {m}", m.deliberation_fingerprint()) for m in minutes
    ]
    return subjects


def _subject_queryset(model: Any) -> QuerySet[Any]:
    custom = getattr(model, "inbox_queryset", None)
    return custom() if custom else model.objects.select_related("arml")


def subject_key(obj: Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def subject_choices(arml_id: int) -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in agenda_subjects(arml_id)]


def subject_from_key(key: str, arml_id: int) -> Model | None:
    """The object a choice key names, if it may be put on this ARML's agenda now."""
    if not key:
        return None
    for subject in agenda_subjects(arml_id):
        if subject.key == key:
            return subject.obj
    message = _("This item cannot be put on the agenda.")
    raise errors.InvalidData(message, code="subject_not_offered", details={"subject": [message]})


def register_for(
    user: Person, arml: Arml, *, body_kind: str = "", year: int | None = None
) -> QuerySet[Deliberation]:
    """The ARML's register: numbered (adopted) deliberations, newest first."""
    qs = Deliberation.objects.filter(arml=arml, arml__in=armls_for(user), sequence__isnull=False)
    if body_kind:
        qs = qs.filter(body_kind=body_kind)
    if year:
        qs = qs.filter(year=year)
    return (
        qs.select_related("item", "meeting__body")
        .prefetch_related("extract_requests")
        .order_by("-year", "body_kind", "-sequence")
    )


def attach_extract_downloads(rows: list[Deliberation]) -> None:
    """Set `download_id` (the latest version of the signed extract) on each issued request."""
    from documents.models import DocumentVersion

    requests = [x for d in rows for x in d.extract_requests.all()]
    versions = (
        DocumentVersion.objects.filter(
            document__content_type=ContentType.objects.get_for_model(ExtractRequest),
            document__object_id__in=[str(x.pk) for x in requests],
            document__kind="extract",
        )
        .order_by("n")
        .values_list("document__object_id", "pk")
    )
    latest = dict(versions)
    for x in requests:
        x.download_id = latest.get(str(x.pk))


def register_years(arml: Arml) -> list[int]:
    return sorted(
        set(Deliberation.objects.filter(arml=arml).values_list("year", flat=True)), reverse=True
    )


def deliberations_for(user: Person) -> QuerySet[Deliberation]:
    return Deliberation.objects.filter(arml__in=armls_for(user)).select_related(
        "item", "meeting__body"
    )


def extract_requests_for(user: Person) -> QuerySet[ExtractRequest]:
    return ExtractRequest.objects.filter(arml__in=armls_for(user)).select_related(
        "deliberation__item", "deliberation__meeting__body", "requested_by", "arml"
    )


# Meetings ------------------------------------------------------------------------------------
def meetings_for(user: Person) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(arml__in=armls_for(user))
        .select_related("arml", "body", "previous", "chair")
        .order_by("-starts_at")
    )


def roles_of(user: Person, arml_id: int) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    rows = Mandate.objects.active().filter(person=user, arml_id=arml_id)
    return frozenset(rows.values_list("role", flat=True))


@dataclass(frozen=True)
class MeetingAccess:
    roles: frozenset[str]
    can_organise: bool = False  # the role the body's rules name to convene it (or a delegate)

    @property
    def can_record(self) -> bool:
        return bool(self.roles & RECORDERS)


def meeting_for(
    user: Person, pk: int, *, queryset: QuerySet[Meeting] | None = None
) -> tuple[Meeting, MeetingAccess]:
    """The meeting if it lies in the user's scope (DoesNotExist otherwise) and what they may do."""
    meeting = (queryset if queryset is not None else meetings_for(user)).get(pk=pk)
    roles = roles_of(user, meeting.arml_id)
    organise = user.is_authenticated and may(user, meeting, SET_AGENDA)
    return meeting, MeetingAccess(roles, organise)


def bodies_organised_by(user: Person) -> QuerySet[Body]:
    """Bodies whose rules name a role the user holds today to convene them: where they may plan
    meetings."""
    if not user.is_authenticated:
        return Body.objects.none()
    held = Mandate.objects.active().filter(person=user, role__in=CONVENER_ROLES)
    roles_by_arml: dict[int, set[str]] = {}
    for arml_id, role in held.values_list("arml_id", "role"):
        roles_by_arml.setdefault(arml_id, set()).add(role)
    bodies = (
        Body.objects.filter(arml_id__in=roles_by_arml)
        .select_related("arml", "rules")
        .order_by("arml", "kind")
    )
    allowed = [b.pk for b in bodies if rules_of(b).convener in roles_by_arml[b.arml_id]]
    return Body.objects.filter(pk__in=allowed).select_related("arml").order_by("arml", "kind")


@dataclass(frozen=True)
class ItemView:
    """One agenda item on the meeting page: its voices, votes, interests and result — a result
    only once every voice entitled on it is recorded."""

    item: AgendaItem
    voices: list[tuple[Person, Person, str]]  # (whose voice, cast by, current choice or "")
    interested: list[Person]
    result: Result | None
    recorded: int = 0

    @property
    def entitled(self) -> int:
        return len(self.voices)

    @property
    def complete(self) -> bool:
        return self.recorded >= len(self.voices)

    @property
    def missing(self) -> list[Person]:
        return [voter for voter, _holder, choice in self.voices if not choice]


def agenda_of(meeting: Meeting) -> list[ItemView]:
    people = {p.pk: p for p in Person.objects.filter(pk__in=meeting.member_ids())}
    views = []
    for item in meeting.items.prefetch_related("votes", "interests__person"):
        chosen = {v.voter_id: v.choice for v in item.votes.all()}
        voices = (
            []
            if not item.is_voted
            else [
                (people[voter], people[holder], chosen.get(voter, ""))
                for voter, holder in sorted(
                    meeting.voices(item).items(), key=lambda vh: (people[vh[0]].last_name, vh[0])
                )
                if voter in people and holder in people
            ]
        )
        recorded = sum(1 for _voter, _holder, choice in voices if choice)
        complete = item.is_voted and recorded >= len(voices)
        views.append(
            ItemView(
                item,
                voices,
                [d.person for d in item.interests.all()],
                meeting.result(item) if complete else None,
                recorded,
            )
        )
    return views
