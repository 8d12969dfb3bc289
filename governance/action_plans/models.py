"""Technical committee action plans (docs/domain.md § Lifecycles)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.organisations import limits
from governance.organisations.limits import BoundedTextField
from governance.organisations.models import Arml, MissionLocale, Person, Role
from permissions.rules import (
    is_the_submitter,
    ml_directors_on_their_own_items,
    not_of_an_interested_ml,
    not_the_submitter,
    vice_chair_when_the_chair_is_excluded,
)
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Deliberated, step


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    UNDER_REVIEW = "under_review", _("Under review")
    OPINION_GIVEN = "opinion_given", _("Opinion given")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    EVALUATED = "evaluated", _("Evaluated")
    REJECTED = "rejected", _("Rejected")
    POSTPONED = "postponed", _("Postponed")
    ABANDONED = "abandoned", _("Abandoned")


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favourable")
    RESERVED = "reserved", _("Favourable with reservations")
    UNFAVOURABLE = "unfavourable", _("Unfavourable")


ACTIVE = [
    PlanState.DRAFT,
    PlanState.PROPOSED,
    PlanState.UNDER_REVIEW,
    PlanState.OPINION_GIVEN,
    PlanState.APPROVED,
    PlanState.IN_PROGRESS,
    PlanState.POSTPONED,
]


#: Above the ARML's threshold, the president approves only on an adopted deliberation of the
#: body the ARML names (its board, or its bureau: Arml.action_plan_body).
BOARD_APPROVAL = Deliberated(
    bodies=lambda plan: {plan.arml.action_plan_body},
    applies=lambda plan: plan.budget > plan.arml.action_plan_board_threshold,
    subject=_("Approval"),
    message=_(
        "Above the board threshold, approval needs an adopted board deliberation on this plan."
    ),
)


#: Separation of duties on every step that judges a plan: neither its author nor the director or
#: president of a Mission Locale it concerns, in person or through a delegation; the committee's
#: vice-chair acts where its chair is thus excluded.
JUDGES = [not_the_submitter, not_of_an_interested_ml, vice_chair_when_the_chair_is_excluded]
COMMITTEE = {Role.COMMITTEE_CHAIR, Role.VICE_CHAIR}


class ActionPlan(Lifecycle):
    ledger_prefix = "action_plan"
    inbox_prefetch = ("beneficiaries",)
    lock_related = ("mission_locale", "submitted_by")  # read by the documents every step prints

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="action_plans")
    title = models.CharField(_("title"), max_length=200)
    summary = BoundedTextField(_("summary"), max_length=limits.TEXT)
    objectives = BoundedTextField(_("objectives"), blank=True, max_length=limits.TEXT)
    budget = models.DecimalField(
        _("budget (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    mission_locale = models.ForeignKey(
        MissionLocale,
        on_delete=models.PROTECT,
        related_name="proposed_plans",
        verbose_name=_("proposing Mission Locale"),
    )
    beneficiaries = models.ManyToManyField(
        MissionLocale,
        related_name="beneficiary_plans",
        blank=True,
        verbose_name=_("beneficiary Missions Locales"),
    )
    submitted_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="submitted_plans", verbose_name=_("proposer")
    )
    opinion = models.CharField(
        _("committee opinion"), max_length=15, choices=Opinion.choices, blank=True
    )
    programme_action = models.ForeignKey(
        "governance.ProgrammeAction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("PRA action implemented"),
    )
    state = FSMField(_("state"), default=PlanState.DRAFT, choices=PlanState.choices, protected=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        indexes = [models.Index(fields=["arml", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="action_plan_budget_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference()} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("governance:action_plan_detail", args=[self.pk])

    def reference(self) -> str:
        return f"PA-{self.created_at:%Y}-{self.pk:04d}" if self.pk and self.created_at else "PA"

    def beneficiary_ids(self) -> list[int]:
        return [ml.pk for ml in self.beneficiaries.all()]

    # -- the agreement its approval concludes (governance/agreements: regulated agreements) --
    agreement_on = frozenset({"approve"})

    def agreement_counterparties(self) -> list[MissionLocale]:
        """The Missions Locales the ARML agrees with by approving: proposer and beneficiaries."""
        return list({self.mission_locale, *self.beneficiaries.all()})

    def agreement_terms(self) -> tuple[str, Decimal]:
        return str(
            _("Action plan %(ref)s: %(title)s") % {"ref": self.reference(), "title": self.title}
        ), self.budget

    def interested_ml_ids(self) -> list[int]:
        """The Missions Locales whose director or president may neither give the committee's
        opinion on this plan nor decide on it: the proposer and every beneficiary."""
        return sorted({self.mission_locale_id, *self.beneficiary_ids()})

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
        if self.mission_locale_id and self.arml_id and self.mission_locale.arml_id != self.arml_id:
            raise ValidationError(
                {"mission_locale": _("This Mission Locale belongs to another ARML.")}
            )
        if (
            self.programme_action_id
            and self.arml_id
            and self.programme_action.programme.arml_id != self.arml_id
        ):
            raise ValidationError(
                {"programme_action": _("This PRA action belongs to another ARML's programme.")}
            )

    def transition_inputs(self, name: str) -> list[dict[str, Any]]:
        if name != "give_opinion":
            return []
        return [
            {"name": "opinion", "label": _("Opinion"), "type": "select", "choices": Opinion.choices}
        ]

    def clean_transition_data(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        if name != "give_opinion":
            return {}
        opinion = data.get("opinion")
        if opinion not in Opinion.values:
            raise ValidationError({"opinion": _("Choose the committee's opinion.")})
        return {"opinion": opinion}

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        rows = [
            (_("Title"), self.title),
            (_("Proposing Mission Locale"), str(self.mission_locale)),
            (_("Proposer"), str(self.submitted_by)),
            (_("Budget"), f"{number_format(self.budget, 2, force_grouping=True)} €"),
            (_("Beneficiaries"), ", ".join(str(ml) for ml in self.beneficiaries.all()) or "—"),
        ]
        if self.opinion:
            rows.append((_("Committee opinion"), self.get_opinion_display()))
        body = [f"{label} : {value}" for label, value in rows]
        body.append(f"{_('Summary')} : {self.summary}")
        if self.objectives:
            body.append(f"{_('Objectives')} : {self.objectives}")
        facts: dict[str, Any] = {
            "body": body,
            "stage": "proposal" if name == "propose" else "decision",
            "parties": [
                {"name": str(self.arml), "description": str(_("Regional association"))},
                {
                    "name": str(self.mission_locale),
                    "description": str(_("Proposing Mission Locale")),
                },
            ],
        }
        if name in {"approve", "reject", "postpone"}:
            facts["decision"] = (
                f"{ctx.principal} — {self.get_state_display()}. {ctx.comment}".strip()
            )
        return facts

    # -- transitions ----------------------------------------------------------------------
    @transition(
        field=state,
        source=PlanState.DRAFT,
        target=PlanState.PROPOSED,
        custom=step(
            label=_("Submit the proposal"),
            done="proposed",
            roles={Role.ML_DIRECTOR},
            rules=[is_the_submitter],
            document="action_plan",
        ),
    )
    def propose(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.PROPOSED,
        target=PlanState.UNDER_REVIEW,
        custom=step(
            label=_("Start the review"),
            done="review_started",
            roles={Role.ARML_STAFF, Role.ARML_DIRECTOR},
        ),
    )
    def start_review(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.UNDER_REVIEW,
        target=PlanState.OPINION_GIVEN,
        custom=step(
            label=_("Record the committee's opinion"),
            done="opinion_given",
            roles=COMMITTEE,
            rules=JUDGES,
            comment_required=True,
            data_fields=["opinion"],
            document="act",
        ),
    )
    def give_opinion(self, ctx: TransitionContext) -> None:
        self.opinion = ctx.data["opinion"]

    @transition(
        field=state,
        source=PlanState.OPINION_GIVEN,
        target=PlanState.APPROVED,
        custom=step(
            label=_("Approve"),
            done="approved",
            roles={Role.PRESIDENT},
            rules=JUDGES,
            document="action_plan",
            deliberation=BOARD_APPROVAL,
        ),
    )
    def approve(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=[PlanState.UNDER_REVIEW, PlanState.OPINION_GIVEN],
        target=PlanState.REJECTED,
        custom=step(
            label=_("Reject"),
            done="rejected",
            roles={Role.PRESIDENT},
            rules=JUDGES,
            comment_required=True,
            style="danger",
            document="action_plan",
        ),
    )
    def reject(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.OPINION_GIVEN,
        target=PlanState.POSTPONED,
        custom=step(
            label=_("Postpone"),
            done="postponed",
            roles={Role.PRESIDENT},
            rules=JUDGES,
            comment_required=True,
            style="secondary",
            document="action_plan",
        ),
    )
    def postpone(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.POSTPONED,
        target=PlanState.UNDER_REVIEW,
        custom=step(
            label=_("Resume the review"),
            done="review_resumed",
            roles={Role.ARML_DIRECTOR},
            comment_required=True,
            style="secondary",
        ),
    )
    def resume(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.APPROVED,
        target=PlanState.IN_PROGRESS,
        custom=step(
            label=_("Start the work"),
            done="started",
            roles={Role.ML_DIRECTOR, Role.ARML_DIRECTOR},
            rules=[ml_directors_on_their_own_items],
        ),
    )
    def start(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.IN_PROGRESS,
        target=PlanState.DELIVERED,
        custom=step(
            label=_("Mark as delivered"),
            done="delivered",
            roles={Role.ML_DIRECTOR, Role.ARML_DIRECTOR},
            comment_required=True,
            rules=[ml_directors_on_their_own_items],
        ),
    )
    def deliver(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=PlanState.DELIVERED,
        target=PlanState.EVALUATED,
        custom=step(
            label=_("Record the evaluation"),
            done="evaluated",
            roles={Role.ARML_DIRECTOR, *COMMITTEE},
            rules=JUDGES,
            comment_required=True,
        ),
    )
    def evaluate(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ACTIVE,
        target=PlanState.ABANDONED,
        custom=step(
            label=_("Abandon"),
            done="abandoned",
            roles={Role.ML_DIRECTOR, Role.ARML_DIRECTOR},
            comment_required=True,
            rules=[ml_directors_on_their_own_items],
            style="danger",
        ),
    )
    def abandon(self, ctx: TransitionContext) -> None:
        pass
