"""Association bodies: meetings, agenda, attendance, proxies, votes and the register of
deliberations (DOMAIN.md § Meeting and deliberations).

Rules chosen here (also in the README):
- Notice period in *jours francs* (clear days): neither the day the convocation is sent nor the
  day of the meeting counts. Sent on day S with a notice of N days, the meeting may be held on
  S + N + 1 at the earliest.
- Quorum: members present (on site or remote) plus members represented by a proxy whose holder
  attends, at least `quorum × members` (rounded up), and at least one member attending. The
  second convocation uses the rules' second-convocation quorum (0: none).
- Attendance and proxies are recorded while the meeting is convened or opened and are frozen when
  the session starts (the quorum is assessed on them and printed in the minutes).
- Proxies vote through their holder: the holder casts one separate voice per proxy (it may differ
  from their own); the vote row names the member whose voice it is and who cast it. A member who
  declared an interest on an item neither votes nor casts proxies on it (they leave the room),
  and is not counted among the members for that item.
- Majorities: votes cast = more for than against (abstentions are not votes cast); absolute = more
  than half of the members entitled to vote on the item; two-thirds = at least two thirds of the
  votes cast. A tie (as many for as against) under the votes-cast rule is settled by the chair's
  vote when the rules give a casting vote, else the motion is rejected.
- Register numbers (`2026-CA-004`: meeting year, body kind, sequence) are given to adopted
  deliberations when the meeting is closed, so that the minutes print them; the sequence is
  gapless per ARML × body × year, assigned under a lock on the body row. Deliberations become
  final when the secretary countersigns the minutes (president first, then secretary).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.organisations.models import Arml, Body, BodyRules, Majority, Mandate, Person, Role
from permissions.rules import Refusal
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Slot, condition, step


# -- rules as functions -------------------------------------------------------------------------
def earliest_meeting_date(sent_on: dt.date, notice_days: int) -> dt.date:
    """Jours francs: the day of sending and the day of the meeting are not counted."""
    return sent_on + dt.timedelta(days=notice_days + 1)


def rules_of(body: Body) -> BodyRules:
    """The body's rules, or the defaults when none were entered."""
    try:
        return body.rules
    except BodyRules.DoesNotExist:
        return BodyRules(body=body)


def _fmt_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONVENED = "convened", _("Convened")
    OPENED = "opened", _("Opened")
    IN_SESSION = "in_session", _("In session")
    LAPSED = "lapsed", _("Lapsed (no quorum)")
    CLOSED = "closed", _("Closed")
    MINUTES_SIGNED = "minutes_signed", _("Minutes signed")


FINISHED = {MeetingState.CLOSED, MeetingState.MINUTES_SIGNED}


class ItemKind(models.TextChoices):
    DELIBERATION = "deliberation", _("Deliberation")
    INFORMATION = "information", _("Information")
    MINUTES_APPROVAL = "minutes_approval", _("Approval of the previous minutes")


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    REMOTE = "remote", _("Present remotely")
    ABSENT = "absent", _("Absent")
    REPRESENTED = "represented", _("Represented")


ATTENDING = {Presence.PRESENT, Presence.REMOTE}


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstention")


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    represented: int
    required: int
    numerator: int
    denominator: int
    second_convocation: bool

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def met(self) -> bool:
        return self.present >= 1 and self.counted >= self.required

    def sentence(self) -> str:
        values = {
            "counted": self.counted,
            "present": self.present,
            "represented": self.represented,
            "members": self.members,
            "required": self.required,
            "rule": f"{self.numerator}/{self.denominator}",
        }
        if self.numerator == 0:
            text = (
                gettext(
                    "Second convocation: no quorum is required. %(present)s present and "
                    "%(represented)s represented, out of %(members)s members."
                )
                % values
            )
        else:
            text = (
                gettext(
                    "%(counted)s members present or represented (%(present)s present, "
                    "%(represented)s represented) out of %(members)s; quorum (%(rule)s): "
                    "%(required)s."
                )
                % values
            )
        met = gettext("The quorum is met.") if self.met else gettext("The quorum is not met.")
        return f"{text} {met}"


@dataclass(frozen=True)
class Result:
    votes_for: int
    against: int
    abstain: int
    entitled: int  # members entitled to vote on the item (interested members excluded)
    majority: str
    adopted: bool
    casting_vote: bool = False

    @property
    def cast(self) -> int:
        return self.votes_for + self.against

    def as_vote(self) -> dict[str, int]:
        return {"for": self.votes_for, "against": self.against, "abstain": self.abstain}

    def sentence(self) -> str:
        text = gettext("Adopted.") if self.adopted else gettext("Rejected.")
        if self.casting_vote:
            text += " " + gettext("Tie settled by the chair's casting vote.")
        return text


def decide(
    votes_for: int,
    against: int,
    abstain: int,
    *,
    entitled: int,
    rules: BodyRules,
    chair_choice: str | None,
) -> Result:
    """The result of one item under the body's majority rule (see the module docstring)."""
    cast = votes_for + against
    casting = False
    if rules.majority == Majority.ABSOLUTE:
        adopted = 2 * votes_for > entitled
    elif rules.majority == Majority.TWO_THIRDS:
        adopted = votes_for > 0 and 3 * votes_for >= 2 * cast
    elif (
        votes_for == against
        and cast > 0
        and rules.chair_casting_vote
        and chair_choice in {Choice.FOR, Choice.AGAINST}
    ):
        adopted, casting = chair_choice == Choice.FOR, True
    else:
        adopted = votes_for > against
    return Result(votes_for, against, abstain, entitled, rules.majority, adopted, casting)


# -- conditions and rules of the transitions ---------------------------------------------------
@condition(_("The agenda is empty: add at least one item."))
def has_agenda(meeting: Meeting) -> bool:
    return meeting.items.exists()


@condition(_("The body has no member at the meeting date."))
def has_members(meeting: Meeting) -> bool:
    return bool(meeting.member_ids())


@condition(_("Too late to convene: the notice period of the body's rules is not respected."))
def notice_respected(meeting: Meeting) -> bool:
    return meeting.day >= meeting.earliest_date(timezone.localdate())


@condition(_("The quorum is not met: record the attendance and proxies, or declare the lapse."))
def quorum_met(meeting: Meeting) -> bool:
    return meeting.quorum().met


@condition(_("The quorum is met: the meeting cannot lapse."))
def quorum_not_met(meeting: Meeting) -> bool:
    return not meeting.quorum().met


@condition(_("Record the votes on every item put to the vote before closing the meeting."))
def all_items_voted(meeting: Meeting) -> bool:
    return not meeting.items.filter(~Q(kind=ItemKind.INFORMATION), votes__isnull=True).exists()


def not_the_closer(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """The minutes carry two different signatures: who signed as president does not countersign."""
    if obj.closed_by_id is not None and obj.closed_by_id in {principal.person.pk, actor.pk}:
        return Refusal(
            "same_signatory",
            gettext(
                "The minutes need two different signatories: you already signed them as president."
            ),
        )
    return None


class Meeting(Lifecycle):
    """A sitting of a body. Its members are the people holding a mandate on the body on its day."""

    ledger_prefix = "meeting"

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
        label = f"{self.body.name} — {_fmt_date(self.day)}"
        if self.convocation == 2:
            label += " (" + gettext("second convocation") + ")"
        return label

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
    def is_finished(self) -> bool:
        return self.state in FINISHED

    def earliest_date(self, sent_on: dt.date) -> dt.date:
        return earliest_meeting_date(sent_on, self.rules.notice_days)

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
        return dict(self.attendances.values_list("person_id", "status"))

    def proxy_holders(self) -> dict[int, int]:
        """giver → holder."""
        return dict(self.proxies.values_list("giver_id", "holder_id"))

    def attending_ids(self) -> set[int]:
        members = set(self.member_ids())
        return {p for p, status in self.presence().items() if status in ATTENDING and p in members}

    def quorum(self) -> Quorum:
        members = set(self.member_ids())
        attending = self.attending_ids()
        represented = {
            g for g, h in self.proxy_holders().items() if g in members and h in attending
        }
        rules = self.rules
        if self.convocation == 2:
            num, den = rules.second_quorum_numerator, rules.second_quorum_denominator
        else:
            num, den = rules.quorum_numerator, rules.quorum_denominator
        required = math.ceil(len(members) * num / den)
        return Quorum(
            len(members),
            len(attending),
            len(represented),
            required,
            num,
            den,
            self.convocation == 2,
        )

    def frozen_quorum(self) -> Quorum:
        """The quorum as assessed when the session started (or lapsed)."""
        if self.quorum_members is None:
            return self.quorum()
        live = self.quorum()
        return Quorum(
            self.quorum_members,
            self.quorum_present or 0,
            self.quorum_represented or 0,
            live.required,
            live.numerator,
            live.denominator,
            live.second_convocation,
        )

    def voices(self, item: AgendaItem) -> dict[int, int]:
        """On `item`: member whose voice counts → who casts it (themselves or their holder)."""
        interested = set(item.interests.values_list("person_id", flat=True))
        attending = self.attending_ids()
        voices = {p: p for p in attending if p not in interested}
        for giver, holder in self.proxy_holders().items():
            if holder in attending and giver not in interested and holder not in interested:
                voices[giver] = holder
        return voices

    def result(self, item: AgendaItem) -> Result | None:
        if item.kind == ItemKind.INFORMATION:
            return None
        counts = {c: 0 for c in Choice.values}
        for choice in item.votes.values_list("choice", flat=True):
            counts[choice] += 1
        interested = set(item.interests.values_list("person_id", flat=True))
        entitled = len(set(self.member_ids()) - interested)
        chair_choice = (
            item.votes.filter(voter_id=self.chair_id).values_list("choice", flat=True).first()
            if self.chair_id
            else None
        )
        return decide(
            counts[Choice.FOR],
            counts[Choice.AGAINST],
            counts[Choice.ABSTAIN],
            entitled=entitled,
            rules=self.rules,
            chair_choice=chair_choice,
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

    # -- documents --------------------------------------------------------------------------
    def meeting_facts(self) -> dict[str, Any]:
        local = timezone.localtime(self.starts_at)
        place = self.place
        if self.video_link:
            place = f"{place} — " if place else ""
            place += gettext("video conference: %(link)s") % {"link": self.video_link}
        return {
            "body": self.body.name,
            "date": local.date().isoformat(),
            "time": f"{local:%H}h{local:%M}",
            "place": place,
        }

    def agenda_lines(self) -> list[str]:
        lines = []
        for item in self.items.all():
            line = item.title
            if item.kind != ItemKind.DELIBERATION:
                line += f" ({item.get_kind_display()})"
            if item.subject_label:
                line += " — " + gettext("on %(subject)s") % {"subject": item.subject_label}
            lines.append(line)
        return lines

    def attendance_facts(self) -> dict[str, list[str]]:
        people = {p.pk: p for p in self.members()}
        presence = self.presence()
        holders = self.proxy_holders()
        present, represented, absent = [], [], []
        for pk, person in people.items():
            status = presence.get(pk)
            if status == Presence.REMOTE:
                present.append(gettext("%(name)s (remote)") % {"name": person})
            elif status == Presence.PRESENT:
                present.append(str(person))
            elif pk in holders and holders[pk] in people:
                represented.append(
                    gettext("%(name)s (proxy to %(holder)s)")
                    % {"name": person, "holder": people[holders[pk]]}
                )
            else:
                absent.append(str(person))
        return {"present": present, "represented": represented, "absent": absent}

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        facts: dict[str, Any] = {"meeting": self.meeting_facts()}
        rules = self.rules
        if name == "convene":
            facts["title"] = gettext("Notice of meeting — %(meeting)s") % {"meeting": self}
            facts["agenda"] = self.agenda_lines()
            facts["invitees"] = [str(p) for p in self.members()]
            body = [
                gettext("%(chair)s convenes the members of the %(body)s to the meeting below.")
                % {"chair": ctx.principal, "body": self.body.name}
            ]
            quorum = self.quorum()
            if self.convocation == 2:
                body.append(
                    gettext(
                        "Second convocation, the first meeting of %(date)s having "
                        "lapsed for lack of quorum."
                    )
                    % {"date": _fmt_date(self.previous.day)}
                )
            body.append(
                gettext("Quorum: %(n)s/%(d)s of the members present or represented.")
                % {"n": quorum.numerator, "d": quorum.denominator}
                if quorum.numerator
                else gettext("No quorum is required.")
            )
            body.append(
                gettext(
                    "A member who cannot attend may give a proxy to another member "
                    "(at most %(n)s per holder)."
                )
                % {"n": rules.max_proxies_per_holder}
            )
            facts["body"] = body
        elif name in {"lapse", "close"}:
            facts["place"] = self.place  # "Done at <place>": the minutes are drawn up there
            facts.update(self.attendance_facts())
            facts["quorum"] = self.frozen_quorum().sentence()
            if name == "lapse":
                facts["title"] = gettext("Record of lapse — %(meeting)s") % {"meeting": self}
                facts["items"] = [
                    {
                        "title": gettext("Lapse"),
                        "text": gettext(
                            "For lack of quorum the meeting could not deliberate. "
                            "A second convocation may follow with the second-convocation quorum."
                        ),
                    }
                ]
            else:
                facts["title"] = gettext("Minutes — %(meeting)s") % {"meeting": self}
                facts["items"] = [item.minutes_facts() for item in self.items.all()]
        else:
            facts["body"] = [self.frozen_quorum().sentence()] if name == "start_session" else []
        return facts

    def clean_transition_data(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        if name == "convene":
            today = timezone.localdate()
            earliest = self.earliest_date(today)
            if self.day < earliest:
                raise ValidationError(
                    gettext(
                        "Too late to convene: the rules require %(n)s clear days of notice "
                        "(neither the day of sending nor the day of the meeting counts). "
                        "Sent on %(sent)s, the meeting cannot be held before %(earliest)s; "
                        "it is planned on %(day)s."
                    )
                    % {
                        "n": self.rules.notice_days,
                        "sent": _fmt_date(today),
                        "earliest": _fmt_date(earliest),
                        "day": _fmt_date(self.day),
                    }
                )
        return {}

    # -- transitions ----------------------------------------------------------------------
    @transition(
        field=state,
        source=MeetingState.PLANNED,
        target=MeetingState.CONVENED,
        conditions=[has_agenda, has_members, notice_respected],
        custom=step(
            label=_("Convene the members"),
            done="convened",
            roles={Role.PRESIDENT},
            document="convocation",
        ),
    )
    def convene(self, ctx: TransitionContext) -> None:
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
        custom=step(label=_("Open the meeting"), done="opened", roles={Role.SECRETARY}),
    )
    def open(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=MeetingState.OPENED,
        target=MeetingState.IN_SESSION,
        conditions=[quorum_met],
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
        conditions=[quorum_not_met],
        custom=step(
            label=_("Record the lapse (no quorum)"),
            done="lapsed",
            roles={Role.SECRETARY, Role.PRESIDENT},
            document="minutes",
            style="danger",
        ),
    )
    def lapse(self, ctx: TransitionContext) -> None:
        self._freeze_quorum()

    @transition(
        field=state,
        source=MeetingState.IN_SESSION,
        target=MeetingState.CLOSED,
        conditions=[all_items_voted],
        custom=step(
            label=_("Close the meeting and sign the minutes"),
            done="closed",
            roles={Role.PRESIDENT},
            document="minutes",
            signers=[
                Slot("president", Role.PRESIDENT, _("The president")),
                Slot("secretary", Role.SECRETARY, _("The secretary")),
            ],
        ),
    )
    def close(self, ctx: TransitionContext) -> None:
        self.closed_by = ctx.principal
        Deliberation.record_for(self)

    @transition(
        field=state,
        source=MeetingState.CLOSED,
        target=MeetingState.MINUTES_SIGNED,
        custom=step(
            label=_("Countersign the minutes"),
            done="minutes_signed",
            roles={Role.SECRETARY},
            rules=[not_the_closer],
            countersign="minutes",
        ),
    )
    def sign_minutes(self, ctx: TransitionContext) -> None:
        self.deliberations.update(final_at=ctx.now)

    def _freeze_quorum(self) -> None:
        quorum = self.quorum()
        self.quorum_members, self.quorum_present = quorum.members, quorum.present
        self.quorum_represented = quorum.represented


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.DELIBERATION
    )
    subject_content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_content_type", "subject_id")
    subject_fingerprint = models.CharField(
        _("fingerprint of the subject"), max_length=128, blank=True
    )
    subject_label = models.CharField(_("subject"), max_length=255, blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="unique_item_order")
        ]
        indexes = [models.Index(fields=["subject_content_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def is_voted(self) -> bool:
        return self.kind != ItemKind.INFORMATION

    def freeze_subject(self) -> None:
        """Copy what the subject says of itself now: the deliberation decides on *that* version."""
        subject = self.subject if self.subject_content_type_id else None
        if subject is None:
            return
        fingerprint = getattr(subject, "deliberation_fingerprint", None)
        self.subject_fingerprint = fingerprint() if callable(fingerprint) else ""
        self.subject_label = str(subject)[:255]
        self.save(update_fields=["subject_fingerprint", "subject_label"])

    def minutes_facts(self) -> dict[str, Any]:
        meeting = self.meeting
        text = [self.description] if self.description else []
        if self.subject_label:
            text.append(gettext("Subject: %(subject)s.") % {"subject": self.subject_label})
        if self.subject_fingerprint:
            text.append(
                gettext("Fingerprint of the version decided on: %(fp)s.")
                % {"fp": self.subject_fingerprint}
            )
        interested = [str(d.person) for d in self.interests.select_related("person")]
        if interested:
            text.append(
                gettext("Declared an interest and did not take part in the vote: %(names)s.")
                % {"names": ", ".join(interested)}
            )
        facts: dict[str, Any] = {"title": self.title, "text": " ".join(text)}
        if not self.is_voted:
            facts["outcome"] = gettext("Information item: no vote.")
            return facts
        deliberation = getattr(self, "deliberation", None)
        result = meeting.result(self)
        facts["vote"] = result.as_vote() if result else None
        outcome = result.sentence() if result else ""
        if deliberation is not None and deliberation.number:
            outcome += " " + gettext("Deliberation no. %(n)s.") % {"n": deliberation.number}
        facts["outcome"] = outcome
        return facts


class Invitation(models.Model):
    """The convocation as sent to one member, and when they acknowledged it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="invitations")
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "person__last_name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="unique_invitation")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.person}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=12, choices=Presence.choices)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class Proxy(models.Model):
    """A member (giver) who cannot attend is represented by another member (holder)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="proxies_given", verbose_name=_("giver")
    )
    holder = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="proxies_held", verbose_name=_("holder")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "giver"], name="one_proxy_per_giver"),
            models.CheckConstraint(
                condition=~Q(giver=models.F("holder")), name="proxy_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.holder}"


class InterestDeclaration(models.Model):
    """A member's interest in an item: they neither vote nor count on it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="interests")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="interest_declarations"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declaration of interest")
        verbose_name_plural = _("declarations of interest")
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="unique_interest")]

    def __str__(self) -> str:
        return f"{self.person} — {self.item}"


class Vote(models.Model):
    """One member's voice on one item; `cast_by` is the holder when it is a proxy's voice."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes")
    cast_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes_cast")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "voter"], name="one_vote_per_voice")]

    def __str__(self) -> str:
        return f"{self.voter}: {self.get_choice_display()}"


class Deliberation(models.Model):
    """The decision on one item put to the vote; adopted ones are numbered in the register."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="deliberations")
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="deliberation")
    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="deliberations")
    body_kind = models.CharField(_("body"), max_length=5)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("for"))
    votes_against = models.PositiveSmallIntegerField(_("against"))
    abstentions = models.PositiveSmallIntegerField(_("abstentions"))
    entitled = models.PositiveSmallIntegerField(_("members entitled to vote"))
    majority = models.CharField(_("majority rule"), max_length=10, choices=Majority.choices)
    adopted = models.BooleanField(_("adopted"))
    casting_vote = models.BooleanField(_("settled by the casting vote"), default=False)
    outcome = models.CharField(_("outcome"), max_length=300)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    final_at = models.DateTimeField(_("final since"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-sequence", "-pk"]
        verbose_name = _("deliberation")
        verbose_name_plural = _("deliberations")
        constraints = [
            models.UniqueConstraint(
                fields=["arml", "body_kind", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="gapless_register_number",
            ),
            models.CheckConstraint(
                condition=Q(adopted=True) | Q(sequence__isnull=True),
                name="only_adopted_are_numbered",
            ),
        ]
        indexes = [models.Index(fields=["arml", "body_kind", "year"])]

    def __str__(self) -> str:
        return f"{self.number or gettext('not numbered')} — {self.item.title}"

    @property
    def is_final(self) -> bool:
        return self.final_at is not None

    def vote(self) -> dict[str, int]:
        return {"for": self.votes_for, "against": self.votes_against, "abstain": self.abstentions}

    @classmethod
    def record_for(cls, meeting: Meeting) -> list[Deliberation]:
        """Decide every item put to the vote and number the adopted ones (meeting close)."""
        Body.objects.select_for_update().filter(pk=meeting.body_id).first()  # serialises numbering
        year, kind = meeting.day.year, meeting.body.kind
        last = (
            cls.objects.filter(arml_id=meeting.arml_id, body_kind=kind, year=year).aggregate(
                last=Max("sequence")
            )["last"]
            or 0
        )
        made = []
        for item in meeting.items.exclude(kind=ItemKind.INFORMATION):
            result = meeting.result(item)
            assert result is not None
            sequence = None
            if result.adopted:
                last += 1
                sequence = last
            made.append(
                cls.objects.create(
                    meeting=meeting,
                    item=item,
                    arml_id=meeting.arml_id,
                    body_kind=kind,
                    year=year,
                    sequence=sequence,
                    number=f"{year}-{kind}-{sequence:03d}" if sequence else "",
                    votes_for=result.votes_for,
                    votes_against=result.against,
                    abstentions=result.abstain,
                    entitled=result.entitled,
                    majority=result.majority,
                    adopted=result.adopted,
                    casting_vote=result.casting_vote,
                    outcome=result.sentence(),
                )
            )
        return made


# -- certified extracts --------------------------------------------------------------------------
class ExtractState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")


@condition(_("Only a final, adopted deliberation can be extracted."))
def deliberation_final(request: ExtractRequest) -> bool:
    return request.deliberation.is_final and request.deliberation.adopted


class ExtractRequest(Lifecycle):
    """Anyone in scope asks for a certified extract; the president issues it, signed."""

    ledger_prefix = "extract_request"

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="extract_requests")
    deliberation = models.ForeignKey(
        Deliberation, on_delete=models.PROTECT, related_name="extract_requests"
    )
    requested_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="extract_requests",
        verbose_name=_("requested by"),
    )
    state = FSMField(
        _("state"), default=ExtractState.REQUESTED, choices=ExtractState.choices, protected=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("extract request")
        verbose_name_plural = _("extract requests")

    def __str__(self) -> str:
        return gettext("Extract of deliberation %(n)s") % {"n": self.deliberation.number}

    def get_absolute_url(self) -> str:
        return reverse("governance:extract_request_detail", args=[self.pk])

    def reference(self) -> str:
        return f"EX-{self.created_at:%Y}-{self.pk:04d}" if self.pk and self.created_at else "EX"

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        if name != "issue":
            return {}
        d = self.deliberation
        meeting = d.meeting
        return {
            "title": gettext("Extract of the register of deliberations — %(n)s") % {"n": d.number},
            "meeting": meeting.meeting_facts(),
            "place": meeting.place or "",
            "deliberation": {
                "number": d.number,
                "title": d.item.title,
                "text": " ".join(filter(None, [d.item.description, d.outcome])),
                "vote": d.vote(),
            },
            "body": [
                gettext("Requested by %(person)s. Minutes of the meeting signed on %(date)s.")
                % {
                    "person": self.requested_by,
                    "date": _fmt_date(timezone.localtime(d.final_at).date()),
                }
            ],
        }

    @transition(
        field=state,
        source=ExtractState.REQUESTED,
        target=ExtractState.ISSUED,
        conditions=[deliberation_final],
        custom=step(
            label=_("Issue the certified extract"),
            done="issued",
            roles={Role.PRESIDENT},
            document="extract",
        ),
    )
    def issue(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ExtractState.REQUESTED,
        target=ExtractState.REFUSED,
        custom=step(
            label=_("Refuse the request"),
            done="refused",
            roles={Role.PRESIDENT},
            comment_required=True,
            style="danger",
        ),
    )
    def refuse(self, ctx: TransitionContext) -> None:
        pass
