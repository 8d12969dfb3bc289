"""The register of deliberations and its certified extracts.

Register numbers (`2026-CA-004`: meeting year, body kind, sequence) are given to adopted
deliberations when the meeting is closed, so that the minutes print them; the sequence is gapless
per ARML × body × year, assigned under a lock on the body row. Deliberations become final when
the secretary countersigns the minutes (chair first, then secretary). A deliberation stores its
structured result; the sentence is written where it is shown (documents.outcome_sentence).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.meetings.models.meetings import ItemKind, Meeting, rules_of
from governance.meetings.models.records import AgendaItem
from governance.meetings.rules import EXTRACT_ISSUER_ROLES, Result
from governance.organisations.models import Arml, Body, Majority, Person, Role
from permissions.rules import Refusal
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import condition, step


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
    not_voting = models.PositiveSmallIntegerField(_("not taking part in the vote"), default=0)
    entitled = models.PositiveSmallIntegerField(_("members entitled to vote"))
    majority = models.CharField(_("majority rule"), max_length=10, choices=Majority.choices)
    adopted = models.BooleanField(_("adopted"))
    casting_vote = models.BooleanField(_("settled by the casting vote"), default=False)
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

    @property
    def result(self) -> Result:
        return Result(
            self.votes_for,
            self.votes_against,
            self.abstentions,
            self.entitled,
            self.majority,
            self.adopted,
            self.casting_vote,
            self.not_voting,
        )

    @property
    def outcome(self) -> str:
        """The sentence people read ("Adopté."…), written from the stored result."""
        from governance.meetings.documents import outcome_sentence

        return outcome_sentence(self.result)

    def vote(self) -> dict[str, int]:
        return {
            "for": self.votes_for,
            "against": self.votes_against,
            "abstain": self.abstentions,
            "not_voting": self.not_voting,
        }

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
                    not_voting=result.not_voting,
                    entitled=result.entitled,
                    majority=result.majority,
                    adopted=result.adopted,
                    casting_vote=result.casting_vote,
                )
            )
        return made


# -- certified extracts --------------------------------------------------------------------------
class ExtractState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")


@condition(_("Only a final, adopted deliberation can be extracted."), code="not_final")
def deliberation_final(request: ExtractRequest) -> bool:
    return request.deliberation.is_final and request.deliberation.adopted


def issuer_named_by_the_rules(obj: Any, principal: Any, actor: Person) -> Refusal | None:
    """The body's rules name who issues its certified extracts (BodyRules.extract_issuer_role)."""
    role = rules_of(obj.deliberation.meeting.body).extract_issuer_role
    if role in principal.roles:
        return None
    return Refusal(
        "role_required",
        gettext("This action is reserved to: %(roles)s.") % {"roles": Role(role).label},
    )


class ExtractRequest(Lifecycle):
    """Anyone in scope asks for a certified extract; the president or the secretary (as the
    body's rules say) issues it, signed."""

    ledger_prefix = "extract_request"
    lock_related = ("deliberation__meeting__body",)
    inbox_prefetch = ("deliberation__meeting__body__rules",)

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
        from governance.meetings.documents import extract_facts

        return extract_facts(self) if name == "issue" else {}

    @transition(
        field=state,
        source=ExtractState.REQUESTED,
        target=ExtractState.ISSUED,
        conditions=[deliberation_final],
        custom=step(
            label=_("Issue the certified extract"),
            done="issued",
            roles=EXTRACT_ISSUER_ROLES,
            rules=[issuer_named_by_the_rules],
            document="extract",
            sole_control=True,  # the issuer certifies in their own name: a second factor
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
            roles=EXTRACT_ISSUER_ROLES,
            rules=[issuer_named_by_the_rules],
            comment_required=True,
            style="danger",
        ),
    )
    def refuse(self, ctx: TransitionContext) -> None:
        pass
