"""A meeting of a body (docs/domain.md § Lifecycles): its persistence, the reads of its
own rows the rules count on, and its transitions. The arithmetic is in rules.py, what its PDFs
print in documents.py."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from config.request_cache import memo
from governance.meetings import documents as texts
from governance.meetings import rules
from governance.meetings.rules import ATTENDING, CONVENER_ROLES, Quorum, Result
from governance.organisations.models import Arml, Body, BodyRules, Mandate, Person, Role
from permissions.rules import Refusal
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Slot, condition, step

if TYPE_CHECKING:
    from governance.meetings.models.records import AgendaItem


def rules_of(body: Body) -> BodyRules:
    """The body's rules, or the defaults when none were entered."""
    try:
        return body.rules
    except BodyRules.DoesNotExist:
        return BodyRules(body=body)


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONVENED = "convened", _("Convened")
    OPENED = "opened", _("Opened")
    IN_SESSION = "in_session", _("In session")
    LAPSED = "lapsed", _("Lapsed (no quorum)")
    LAPSE_SIGNED = "lapse_signed", _("Lapse recorded (minutes signed)")
    CLOSED = "closed", _("Closed")
    MINUTES_SIGNED = "minutes_signed", _("Minutes signed")


FINISHED = frozenset({MeetingState.CLOSED, MeetingState.MINUTES_SIGNED})
LAPSES = frozenset({MeetingState.LAPSED, MeetingState.LAPSE_SIGNED})
#: States of a meeting that has opened: the attendance sheet exists, whatever came next.
HELD = frozenset({MeetingState.OPENED, MeetingState.IN_SESSION, *LAPSES, *FINISHED})
#: While the sheet and proxies may change (frozen when the session starts or lapses).
SHEET_OPEN = frozenset({MeetingState.CONVENED, MeetingState.OPENED})


class ItemKind(models.TextChoices):
    DELIBERATION = "deliberation", _("Deliberation")
    INFORMATION = "information", _("Information")
    MINUTES_APPROVAL = "minutes_approval", _("Approval of the previous minutes")


# -- conditions and rules of the transitions ---------------------------------------------------
@condition(_("The agenda is empty: add at least one item."), code="agenda_empty")
def has_agenda(meeting: Meeting) -> bool:
    return meeting.items.exists()


@condition(_("The body has no member at the meeting date."), code="no_members")
def has_members(meeting: Meeting) -> bool:
    return bool(meeting.member_ids())


@condition(lambda meeting: texts.notice_refusal(meeting), code="notice_too_short")
def notice_respected(meeting: Meeting) -> bool:
    return meeting.day >= meeting.earliest_date(timezone.localdate())


@condition(lambda meeting: texts.not_yet_refusal(meeting), code="meeting_not_yet")
def meeting_day_reached(meeting: Meeting) -> bool:
    return rules.may_open(timezone.now(), meeting.starts_at, meeting.rules.opening_margin_minutes)


@condition(lambda meeting: texts.unrecorded_refusal(meeting), code="attendance_incomplete")
def attendance_complete(meeting: Meeting) -> bool:
    return not meeting.unrecorded_ids()


@condition(
    _("The quorum is not met: record the attendance and proxies, or declare the lapse."),
    code="quorum_not_met",
)
def quorum_met(meeting: Meeting) -> bool:
    return meeting.quorum().met


@condition(_("The quorum is met: the meeting cannot lapse."), code="quorum_reached")
def quorum_not_met(meeting: Meeting) -> bool:
    return not meeting.quorum().met


@condition(lambda meeting: texts.missing_votes_refusal(meeting), code="votes_incomplete")
def all_votes_recorded(meeting: Meeting) -> bool:
    return not meeting.missing_voices()


def convener_of_the_body(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """The body's rules name who convenes and chairs it (BodyRules.convener_role)."""
    role = obj.rules.convener
    if role in principal.roles:
        return None
    return Refusal(
        "role_required",
        gettext("This action is reserved to: %(roles)s.") % {"roles": Role(role).label},
    )


def not_the_closer(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """The minutes carry two different signatures: who signed as chair does not countersign."""
    if obj.closed_by_id is not None and obj.closed_by_id in {principal.person.pk, actor.pk}:
        return Refusal(
            "same_signatory",
            gettext(
                "The minutes need two different signatories: you already signed them as chair."
            ),
        )
    return None


CHAIR_AND_SECRETARY = [
    Slot("chair", "", _("The chair")),  # the body's convener: its role is in the rules
    Slot("secretary", Role.SECRETARY, _("The secretary")),
]


class Meeting(Lifecycle):
    """A sitting of a body. Its members are the people holding a mandate on the body on its day."""

    ledger_prefix = "meeting"
    lock_related = ("body",)
    inbox_prefetch = ("body__rules",)  # the convener rule reads them for every meeting listed

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="meetings")
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    convocation = models.PositiveSmallIntegerField(
        _("convocation"),
        default=1,
        choices=[(1, _("First convocation")), (2, _("Second convocation"))],
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_convocations",
        verbose_name=_("lapsed first convocation"),
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    chair = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
        verbose_name=_("chair"),
    )
    secretary = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kept_meetings",
        verbose_name=_("secretary of the meeting"),
    )
    convened_at = models.DateTimeField(_("convened at"), null=True, blank=True)
    quorum_members = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    quorum_present = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    quorum_represented = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closed_meetings",
        editable=False,
    )
    state = FSMField(
        _("state"), default=MeetingState.PLANNED, choices=MeetingState.choices, protected=True
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["arml", "state"]),
            models.Index(fields=["body", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(convocation__in=[1, 2]), name="meeting_convocation_1_or_2"
            ),
            models.CheckConstraint(
                condition=Q(convocation=1, previous__isnull=True)
                | Q(convocation=2, previous__isnull=False),
                name="meeting_second_convocation_has_previous",
            ),
        ]

    def __str__(self) -> str:
        return texts.meeting_label(self)

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])

    def reference(self) -> str:
        return f"SE-{self.starts_at:%Y}-{self.pk:04d}" if self.pk else "SE"

    def clean(self) -> None:
        if self.body_id and self.arml_id and self.body.arml_id != self.arml_id:
            raise ValidationError({"body": _("This body belongs to another ARML.")})
        if self.convocation == 2 and self.previous_id is None:
            raise ValidationError(_("A second convocation follows a lapsed first one."))

    # -- reads ------------------------------------------------------------------------------
    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def rules(self) -> BodyRules:
        return rules_of(self.body)

    @property
    def opens_at(self) -> dt.datetime:
        return rules.opens_at(self.starts_at, self.rules.opening_margin_minutes)

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    def earliest_date(self, sent_on: dt.date) -> dt.date:
        return rules.earliest_meeting_date(sent_on, self.rules.notice_days)

    def member_ids(self) -> list[int]:
        cached = getattr(self, "_member_ids", None)
        if cached is None:
            rows = Mandate.objects.active(on=self.day).filter(body_id=self.body_id)
            cached = sorted(set(rows.values_list("person_id", flat=True)))
            self._member_ids = cached
        return cached

    def members(self) -> models.QuerySet[Person]:
        return Person.objects.filter(pk__in=self.member_ids()).order_by("last_name", "first_name")

    def presence(self) -> dict[int, str]:
        """member → status recorded; the page's sheet, quorum and votes ask: read once per GET."""
        key = ("meeting-presence", self.pk)
        return dict(memo(key, lambda: dict(self.attendances.values_list("person_id", "status"))))

    def proxy_holders(self) -> dict[int, int]:
        """giver → holder (read once per GET, as presence)."""
        key = ("meeting-proxies", self.pk)
        return dict(memo(key, lambda: dict(self.proxies.values_list("giver_id", "holder_id"))))

    def attending_ids(self) -> set[int]:
        members = set(self.member_ids())
        return {p for p, status in self.presence().items() if status in ATTENDING and p in members}

    def unrecorded_ids(self) -> list[int]:
        """Members whose attendance is not recorded: "not recorded" is not "absent"."""
        presence = self.presence()
        return [p for p in self.member_ids() if p not in presence]

    def quorum(self) -> Quorum:
        members = set(self.member_ids())
        attending = self.attending_ids()
        represented = {
            g for g, h in self.proxy_holders().items() if g in members and h in attending
        }
        body_rules = self.rules
        second = self.convocation == 2
        return rules.quorum(
            members=len(members),
            present=len(attending),
            represented=len(represented),
            numerator=body_rules.second_quorum_numerator if second else body_rules.quorum_numerator,
            denominator=(
                body_rules.second_quorum_denominator if second else body_rules.quorum_denominator
            ),
            second_convocation=second,
        )

    def frozen_quorum(self) -> Quorum:
        """The quorum as assessed when the session started (or lapsed), else as it stands."""
        live = self.quorum()
        if self.quorum_members is None:
            return live
        return rules.quorum(
            members=self.quorum_members,
            present=self.quorum_present or 0,
            represented=self.quorum_represented or 0,
            numerator=live.numerator,
            denominator=live.denominator,
            second_convocation=live.second_convocation,
        )

    def voices(self, item: AgendaItem) -> dict[int, int]:
        """On `item`: member whose voice counts → who casts it (themselves or their holder)."""
        interested = _interested_ids(item)
        attending = self.attending_ids()
        voices = {p: p for p in attending if p not in interested}
        for giver, holder in self.proxy_holders().items():
            if holder in attending and giver not in interested and holder not in interested:
                voices[giver] = holder
        return voices

    def missing_voices(self) -> dict[AgendaItem, list[int]]:
        """Items put to the vote → the members entitled to a voice on it with none recorded."""
        missing = {}
        for item in self.items.exclude(kind=ItemKind.INFORMATION):
            recorded = item.votes.values_list("voter_id", flat=True)
            ids = rules.missing(self.voices(item), recorded)
            if ids:
                missing[item] = ids
        return missing

    def result(self, item: AgendaItem) -> Result | None:
        """The item's result on the voices recorded (None for an information item)."""
        if item.kind == ItemKind.INFORMATION:
            return None
        if "votes" in getattr(item, "_prefetched_objects_cache", {}):  # the meeting page's
            choices = [(v.voter_id, v.choice) for v in item.votes.all()]
        else:
            choices = list(item.votes.values_list("voter_id", "choice"))
        counts = rules.count(c for _voter, c in choices)
        interested = _interested_ids(item)
        body_rules = self.rules
        return rules.decide(
            counts[rules.Choice.FOR],
            counts[rules.Choice.AGAINST],
            counts[rules.Choice.ABSTAIN],
            not_voting=counts[rules.Choice.NOT_VOTING],
            entitled=len(set(self.member_ids()) - interested),
            majority=body_rules.majority,
            chair_casting_vote=body_rules.chair_casting_vote,
            chair_choice=dict(choices).get(self.chair_id) if self.chair_id else None,
        )

    def deliberation_fingerprint(self) -> str:
        """What the next meeting approves: the SHA-256 of the latest version of these minutes."""
        from documents.models import DocumentVersion

        version = (
            DocumentVersion.objects.filter(
                document__content_type=ContentType.objects.get_for_model(self),
                document__object_id=str(self.pk),
                document__kind="minutes",
            )
            .order_by("-document__created_at", "-n")
            .first()
        )
        return version.sha256 if version else ""

    # -- what the engine asks ---------------------------------------------------------------
    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        from governance.meetings.documents import meeting_document_facts

        return meeting_document_facts(self, name, ctx)

    def event_data(self, name: str) -> dict[str, Any]:
        """The closing and the lapse record the canonical content of the minutes (13.6)."""
        if name not in {"close", "lapse"}:
            return {}
        from governance.meetings.evidence import minutes_record

        return {"minutes": minutes_record(self)}

    # -- transitions ----------------------------------------------------------------------
    @transition(
        field=state,
        source=MeetingState.PLANNED,
        target=MeetingState.CONVENED,
        conditions=[has_agenda, has_members, notice_respected],
        custom=step(
            label=_("Convene the members"),
            done="convened",
            roles=CONVENER_ROLES,
            rules=[convener_of_the_body],
            document="convocation",
        ),
    )
    def convene(self, ctx: TransitionContext) -> None:
        from governance.meetings.models.records import Invitation

        self.chair = ctx.principal
        self.convened_at = ctx.now
        for item in self.items.all():
            item.freeze_subject()
        Invitation.objects.bulk_create(
            [Invitation(meeting=self, person_id=pk, sent_at=ctx.now) for pk in self.member_ids()]
        )

    @transition(
        field=state,
        source=MeetingState.CONVENED,
        target=MeetingState.OPENED,
        conditions=[meeting_day_reached],
        custom=step(label=_("Open the meeting"), done="opened", roles={Role.SECRETARY}),
    )
    def open(self, ctx: TransitionContext) -> None:
        self.secretary = ctx.principal

    @transition(
        field=state,
        source=MeetingState.OPENED,
        target=MeetingState.IN_SESSION,
        conditions=[meeting_day_reached, attendance_complete, quorum_met],
        custom=step(
            label=_("Record the quorum and start the session"),
            done="session_started",
            roles={Role.SECRETARY},
        ),
    )
    def start_session(self, ctx: TransitionContext) -> None:
        self._freeze_quorum()

    @transition(
        field=state,
        source=MeetingState.OPENED,
        target=MeetingState.LAPSED,
        conditions=[meeting_day_reached, attendance_complete, quorum_not_met],
        custom=step(
            label=_("Record the lapse (no quorum) and sign its minutes"),
            done="lapsed",
            roles=CONVENER_ROLES,
            rules=[convener_of_the_body],
            document="minutes",
            signers=CHAIR_AND_SECRETARY,
            style="danger",
        ),
    )
    def lapse(self, ctx: TransitionContext) -> None:
        self.closed_by = ctx.principal
        self._freeze_quorum()

    @transition(
        field=state,
        source=MeetingState.LAPSED,
        target=MeetingState.LAPSE_SIGNED,
        conditions=[meeting_day_reached],
        custom=step(
            label=_("Countersign the minutes of lapse"),
            done="lapse_signed",
            roles={Role.SECRETARY},
            rules=[not_the_closer],
            countersign="minutes",
        ),
    )
    def sign_lapse(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=MeetingState.IN_SESSION,
        target=MeetingState.CLOSED,
        conditions=[meeting_day_reached, all_votes_recorded],
        custom=step(
            label=_("Close the meeting and sign the minutes"),
            done="closed",
            roles=CONVENER_ROLES,
            rules=[convener_of_the_body],
            document="minutes",
            signers=CHAIR_AND_SECRETARY,
        ),
    )
    def close(self, ctx: TransitionContext) -> None:
        from governance.meetings.models.register import Deliberation

        self.closed_by = ctx.principal
        Deliberation.record_for(self)

    @transition(
        field=state,
        source=MeetingState.CLOSED,
        target=MeetingState.MINUTES_SIGNED,
        conditions=[meeting_day_reached],
        custom=step(
            label=_("Countersign the minutes"),
            done="minutes_signed",
            roles={Role.SECRETARY},
            rules=[not_the_closer],
            countersign="minutes",
        ),
    )
    def sign_minutes(self, ctx: TransitionContext) -> None:
        self.deliberations.filter(final_at__isnull=True).update(final_at=ctx.now)

    def _freeze_quorum(self) -> None:
        quorum = self.quorum()
        self.quorum_members, self.quorum_present = quorum.members, quorum.present
        self.quorum_represented = quorum.represented


def _interested_ids(item: AgendaItem) -> set[int]:
    """Who declared an interest on `item`: from the page's prefetch when there is one."""
    if "interests" in getattr(item, "_prefetched_objects_cache", {}):
        return {d.person_id for d in item.interests.all()}
    return set(item.interests.values_list("person_id", flat=True))
