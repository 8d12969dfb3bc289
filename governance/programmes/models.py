"""The PRA, programme régional d'animation (docs/domain.md § Lifecycles).

A programme for a period is made of actions (fiches action) grouped by the 5 functions. Its
content (header, actions, indicator targets, budget by funder) changes only in draft; `submit`
fixes the content hash the bodies deliberate on, and `validate` needs an adopted CA or AG
deliberation pointing at that very hash. During the consultation the funders' officers comment
and mark the actions they fund; during execution the ARML records quarterly progress. Opinions,
funding marks and progress are append-only: a correction is a new row.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.organisations import limits
from governance.organisations.limits import BoundedTextField
from governance.organisations.models import (
    Arml,
    BodyKind,
    Function,
    Funder,
    Indicator,
    MissionLocale,
    Person,
    Role,
)
from permissions.rules import not_the_submitter
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Deliberated, condition, step

AMOUNT = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}
ZERO = Decimal("0.00")


class ProgrammeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_CONSULTATION = "in_consultation", _("In consultation")
    VALIDATED = "validated", _("Validated")
    CONTRACTED = "contracted", _("Contracted")
    IN_EXECUTION = "in_execution", _("In execution")
    EVALUATED = "evaluated", _("Evaluated")
    CLOSED = "closed", _("Closed")


@condition(_("The programme needs at least one action."))
def has_actions(programme: Programme) -> bool:
    return programme.actions.exists()


#: The board or the general assembly validates the version submitted to the funders.
VALIDATION = Deliberated(
    bodies=frozenset({BodyKind.CA, BodyKind.AG}),
    fingerprint=lambda programme: programme.frozen_hash,
    subject=_("Validation"),
    message=_(
        "The board (CA) or the general assembly (AG) must first adopt, by a final deliberation, "
        "this submitted version of the programme."
    ),
)


@condition(_("Record the quarterly progress of the actions at least once before the evaluation."))
def has_progress(programme: Programme) -> bool:
    return ActionProgress.objects.filter(action__programme=programme).exists()


class Programme(Lifecycle):
    ledger_prefix = "programme"

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="programmes")
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    frozen_hash = models.CharField(_("submitted content hash"), max_length=64, blank=True)
    submitted_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    convention = models.ForeignKey(
        "governance.Convention",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("convention"),
    )
    amendment = models.ForeignKey(
        "governance.Amendment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("amendment"),
    )
    state = FSMField(
        _("state"), default=ProgrammeState.DRAFT, choices=ProgrammeState.choices, protected=True
    )

    class Meta:
        ordering = ["-start_year", "-created_at"]
        verbose_name = _("regional programme (PRA)")
        verbose_name_plural = _("regional programmes (PRA)")
        indexes = [models.Index(fields=["arml", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="programme_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference()} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("governance:programme_detail", args=[self.pk])

    def reference(self) -> str:
        if not self.pk:
            return "PRA"
        return f"PRA-{self.start_year}-{self.end_year}-{self.pk:03d}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def is_editable(self) -> bool:
        return self.state == ProgrammeState.DRAFT

    # -- content and its hash -------------------------------------------------------------
    def canonical(self) -> dict[str, Any]:
        actions = self.actions.prefetch_related("targets__indicator", "budget_lines")
        return {
            "title": self.title,
            "period": [self.start_year, self.end_year],
            "actions": [a.canonical() for a in actions.order_by("function", "pk")],
        }

    def compute_hash(self) -> str:
        text = json.dumps(
            self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def deliberation_fingerprint(self) -> str:
        """What the bodies deliberate on: the version fixed at submission (the draft's hash
        before that, so that a deliberation prepared early still names a precise version)."""
        return self.frozen_hash or self.compute_hash()

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        from governance.programmes.documents import evaluation_facts, programme_facts

        if name == "evaluate":
            return evaluation_facts(self, summary=ctx.comment)
        facts = programme_facts(self)
        if name == "submit":
            facts["stage"] = "consultation"
        elif name == "validate":
            facts["stage"] = "validated"
        if name == "contract" and ctx.data.get("attached_to"):
            facts["body"] = [
                str(_("Programme attached to: %(what)s.") % {"what": ctx.data["attached_to"]})
            ]
        return facts

    def clean_transition_data(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        if name != "contract":
            return {}
        from governance.programmes.selectors import contract_target

        convention, amendment = contract_target(
            self, convention=data.get("convention"), amendment=data.get("amendment")
        )
        return {
            "convention": convention.pk,
            "amendment": amendment.pk if amendment else None,
            "attached_to": str(amendment or convention),
        }

    # -- transitions ----------------------------------------------------------------------
    @transition(
        field=state,
        source=ProgrammeState.DRAFT,
        target=ProgrammeState.IN_CONSULTATION,
        conditions=[has_actions],
        custom=step(
            label=_("Submit to the steering committee"),
            done="submitted",
            roles={Role.ARML_DIRECTOR},
            document="programme",
        ),
    )
    def submit(self, ctx: TransitionContext) -> None:
        self.frozen_hash = self.compute_hash()
        self.submitted_by = ctx.principal

    @transition(
        field=state,
        source=ProgrammeState.IN_CONSULTATION,
        target=ProgrammeState.DRAFT,
        custom=step(
            label=_("Return to draft"),
            done="returned_to_draft",
            roles={Role.ARML_DIRECTOR},
            comment_required=True,
            style="secondary",
        ),
    )
    def return_to_draft(self, ctx: TransitionContext) -> None:
        self.frozen_hash = ""

    @transition(
        field=state,
        source=ProgrammeState.IN_CONSULTATION,
        target=ProgrammeState.VALIDATED,
        custom=step(
            label=_("Validate the programme"),
            done="validated",
            roles={Role.PRESIDENT},
            rules=[not_the_submitter],
            document="programme",
            deliberation=VALIDATION,
        ),
    )
    def validate(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ProgrammeState.VALIDATED,
        target=ProgrammeState.CONTRACTED,
        custom=step(
            label=_("Attach to the convention in force"),
            done="contracted",
            roles={Role.ARML_DIRECTOR},
            data_fields=["convention", "amendment"],
        ),
    )
    def contract(self, ctx: TransitionContext) -> None:
        self.convention_id = ctx.data["convention"]
        self.amendment_id = ctx.data.get("amendment")

    @transition(
        field=state,
        source=ProgrammeState.CONTRACTED,
        target=ProgrammeState.IN_EXECUTION,
        custom=step(
            label=_("Start the execution"), done="execution_started", roles={Role.ARML_DIRECTOR}
        ),
    )
    def start_execution(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ProgrammeState.IN_EXECUTION,
        target=ProgrammeState.EVALUATED,
        conditions=[has_progress],
        custom=step(
            label=_("Issue the evaluation report"),
            done="evaluated",
            roles={Role.ARML_DIRECTOR},
            comment_required=True,
            document="evaluation",
        ),
    )
    def evaluate(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ProgrammeState.EVALUATED,
        target=ProgrammeState.CLOSED,
        custom=step(label=_("Close the programme"), done="closed", roles={Role.PRESIDENT}),
    )
    def close(self, ctx: TransitionContext) -> None:
        pass


class ProgrammeAction(models.Model):
    """A fiche action: one action of the programme, under one of the 5 functions."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    function = models.PositiveSmallIntegerField(_("function"), choices=Function.choices)
    title = models.CharField(_("title"), max_length=200)
    objective = BoundedTextField(_("objective"), max_length=limits.TEXT)
    lead_ml = models.ForeignKey(
        MissionLocale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead Mission Locale"),
    )
    lead_text = models.CharField(_("lead (other)"), max_length=200, blank=True)
    partners = BoundedTextField(_("partners"), blank=True, max_length=limits.TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "function", "pk"]
        verbose_name = _("programme action")
        verbose_name_plural = _("programme actions")

    def __str__(self) -> str:
        return f"F{self.function} — {self.title}"

    @property
    def lead(self) -> str:
        if self.lead_ml_id:
            return str(self.lead_ml)
        return self.lead_text or str(_("The ARML"))

    @property
    def budget_total(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines.all()), ZERO)

    def canonical(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "title": self.title,
            "objective": self.objective,
            "lead_ml": self.lead_ml_id,
            "lead": self.lead_text,
            "partners": self.partners,
            "targets": sorted([t.indicator.code, str(t.target)] for t in self.targets.all()),
            "budget": sorted([b.funder_id, str(b.amount)] for b in self.budget_lines.all()),
        }


class ActionTarget(models.Model):
    action = models.ForeignKey(ProgrammeAction, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["action", "indicator"], name="unique_action_target")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.target}"


class ActionBudgetLine(models.Model):
    action = models.ForeignKey(
        ProgrammeAction, on_delete=models.CASCADE, related_name="budget_lines"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (€)"), **AMOUNT)

    class Meta:
        ordering = ["funder__kind", "funder__name"]
        constraints = [
            models.UniqueConstraint(fields=["action", "funder"], name="unique_action_budget_line"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="action_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder}: {self.amount} €"


class AppendOnlyError(ValidationError):
    pass


class AppendOnly(models.Model):
    """History rows are inserted once; a database trigger refuses UPDATE too."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(_("History entries cannot be modified: add a new one."))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(_("History entries cannot be deleted."))


class FunderOpinion(AppendOnly):
    """A funder's comment on one action during the consultation of the steering committee."""

    action = models.ForeignKey(ProgrammeAction, on_delete=models.PROTECT, related_name="opinions")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = BoundedTextField(_("comment"), max_length=limits.COMMENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("funder's opinion")
        verbose_name_plural = _("funders' opinions")

    def __str__(self) -> str:
        return f"{self.funder} — {self.text[:40]}"


class FundingMark(AppendOnly):
    """A funder says whether it funds an action; the latest mark per funder counts."""

    action = models.ForeignKey(
        ProgrammeAction, on_delete=models.PROTECT, related_name="funding_marks"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    funds = models.BooleanField(_("funds this action"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("funding mark")
        verbose_name_plural = _("funding marks")

    def __str__(self) -> str:
        return f"{self.funder} — {self.funds}"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Abandoned")


class ActionProgress(AppendOnly):
    """Quarterly progress of one action; a later entry for the same quarter corrects it."""

    action = models.ForeignKey(ProgrammeAction, on_delete=models.PROTECT, related_name="progress")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(_("status"), max_length=12, choices=ProgressStatus.choices)
    percent_done = models.PositiveSmallIntegerField(
        _("Done (%)"), validators=[MaxValueValidator(100)]
    )
    measurements = models.JSONField(_("measurements"), default=dict, blank=True)
    comment = BoundedTextField(_("comment"), blank=True, max_length=limits.COMMENT)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter", "-created_at", "-pk"]
        verbose_name = _("quarterly progress")
        verbose_name_plural = _("quarterly progress")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="progress_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=models.Q(percent_done__lte=100), name="progress_percent_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} T{self.quarter} — {self.get_status_display()} ({self.percent_done} %)"
