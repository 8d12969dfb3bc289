"""The CPOM (docs/domain.md § Lifecycles) and its content versions.

A convention's content (title, period, parties, objectives by function, funding lines,
indicator targets) lives in append-only ConventionVersion rows: every saved edit is a new version
with its SHA-256; `freeze` fixes the hash the board deliberates on and everyone signs.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.conventions.models.circuit_steps import countersigned_steps
from governance.organisations.models import (
    Arml,
    BodyKind,
    Function,
    Funder,
    Indicator,
    Person,
    Role,
)
from permissions.rules import is_a_party_officer
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Deliberated, step

AMOUNT = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class ConventionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_CONSULTATION = "in_consultation", _("In consultation")
    IN_NEGOTIATION = "in_negotiation", _("In negotiation")
    FROZEN = "frozen", _("Frozen draft (projet arrêté)")
    ADOPTED = "adopted", _("Adopted by the board")
    AWAITING_COUNTERSIGNATURES = "awaiting_countersignatures", _("Awaiting countersignatures")
    IN_FORCE = "in_force", _("In force")
    IN_EVALUATION = "in_evaluation", _("Final evaluation")
    CLOSED = "closed", _("Closed")
    IN_RENEGOTIATION = "in_renegotiation", _("In renegotiation")
    TERMINATED = "terminated", _("Terminated")


EDITABLE = {ConventionState.DRAFT, ConventionState.IN_RENEGOTIATION}


#: The board adopts the frozen version (statuts: the CA approves conventions).
ADOPTION = Deliberated(
    bodies=frozenset({BodyKind.CA}),
    fingerprint=lambda convention: convention.frozen_hash,
    subject=_("Adoption"),
    message=_("The board must first adopt, by a final deliberation, this frozen version."),
)
#: The ARML terminates only on a board deliberation deciding it; a funder, by its own decision.
TERMINATION = Deliberated(
    bodies=frozenset({BodyKind.CA}),
    fingerprint=lambda convention: f"termination:{convention.frozen_hash}",
    roles=frozenset({Role.PRESIDENT}),
    subject=_("Termination"),
    message=_("The ARML terminates a convention only on a final board deliberation deciding it."),
)


class Convention(
    countersigned_steps(kind="convention", sign_label=_("Sign the convention")), Lifecycle
):
    ledger_prefix = "convention"
    circuit_after = "adopt"

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="conventions")
    frozen_hash = models.CharField(_("frozen content hash"), max_length=64, blank=True)
    state = FSMField(
        _("state"), default=ConventionState.DRAFT, choices=ConventionState.choices, protected=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("convention (CPOM)")
        verbose_name_plural = _("conventions (CPOM)")
        indexes = [models.Index(fields=["arml", "state"])]

    def __str__(self) -> str:
        content = self.content
        return f"{self.reference()} — {content.title if content else ''}".strip(" —")

    def get_absolute_url(self) -> str:
        return reverse("governance:convention_detail", args=[self.pk])

    def reference(self) -> str:
        content = self.content
        if content is None or not self.pk:
            return "CPOM"
        return f"CPOM-{content.start_year}-{content.end_year}-{self.pk:03d}"

    @classmethod
    def inbox_queryset(cls) -> models.QuerySet[Convention]:
        return cls.objects.select_related("arml").prefetch_related("versions")

    @property
    def content(self) -> ConventionVersion | None:
        """The latest content version (from a prefetch of `versions` when there is one)."""
        if "_content" not in self.__dict__:
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("versions")
            if prefetched is not None:
                self._content = max(prefetched, key=lambda v: v.n, default=None)
            else:
                self._content = self.versions.order_by("-n").first() if self.pk else None
        return self._content

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    def party_funder_ids(self) -> list[int]:
        content = self.content
        return [party.pk for party in content.parties.all()] if content else []

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        content = self.content
        facts = content.document_facts() if content else {}
        if name == "sign":
            facts["title"] = str(_("Multi-year objectives and means convention"))
        return facts

    # -- transitions ----------------------------------------------------------------------
    @transition(
        field=state,
        source=[ConventionState.DRAFT, ConventionState.IN_RENEGOTIATION],
        target=ConventionState.IN_CONSULTATION,
        custom=step(
            label=_("Submit for consultation"),
            done="submitted_for_consultation",
            roles={Role.ARML_DIRECTOR},
            document="convention",
        ),
    )
    def submit_for_consultation(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ConventionState.IN_CONSULTATION,
        target=ConventionState.IN_NEGOTIATION,
        custom=step(
            label=_("Open the negotiation"), done="negotiation_opened", roles={Role.ARML_DIRECTOR}
        ),
    )
    def open_negotiation(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=[ConventionState.IN_NEGOTIATION, ConventionState.IN_RENEGOTIATION],
        target=ConventionState.FROZEN,
        custom=step(
            label=_("Freeze the draft"),
            done="frozen",
            roles={Role.ARML_DIRECTOR},
            document="convention",
        ),
    )
    def freeze(self, ctx: TransitionContext) -> None:
        self.frozen_hash = self.content.sha256

    @transition(
        field=state,
        source=ConventionState.FROZEN,
        target=ConventionState.ADOPTED,
        custom=step(
            label=_("Adopt"), done="adopted", roles={Role.PRESIDENT}, deliberation=ADOPTION
        ),
    )
    def adopt(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ConventionState.AWAITING_COUNTERSIGNATURES,
        target=ConventionState.IN_RENEGOTIATION,
        custom=step(
            label=_("Refuse to countersign"),
            done="refused",
            roles={Role.STATE_OFFICER, Role.REGION_OFFICER},
            rules=[is_a_party_officer],
            comment_required=True,
            style="danger",
            circuit=True,
        ),
    )
    def refuse(self, ctx: TransitionContext) -> None:
        from governance.conventions.services import reopen_after_refusal

        reopen_after_refusal(convention=self, actor=ctx.actor, reason=ctx.comment)

    @transition(
        field=state,
        source=ConventionState.IN_FORCE,
        target=ConventionState.IN_EVALUATION,
        custom=step(
            label=_("Start the final evaluation"),
            done="final_evaluation_started",
            roles={Role.ARML_DIRECTOR},
        ),
    )
    def start_final_evaluation(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ConventionState.IN_EVALUATION,
        target=ConventionState.CLOSED,
        custom=step(
            label=_("Close with the evaluation report"),
            done="closed",
            roles={Role.PRESIDENT},
            comment_required=True,
        ),
    )
    def close(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=[ConventionState.IN_FORCE, ConventionState.IN_EVALUATION],
        target=ConventionState.TERMINATED,
        custom=step(
            label=_("Terminate"),
            done="terminated",
            roles={Role.PRESIDENT, Role.STATE_OFFICER, Role.REGION_OFFICER},
            rules=[is_a_party_officer],
            deliberation=TERMINATION,
            comment_required=True,
            style="danger",
        ),
    )
    def terminate(self, ctx: TransitionContext) -> None:
        pass


class ConventionVersion(models.Model):
    """One saved state of a convention's content. Append-only: an edit is a new version."""

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="versions")
    n = models.PositiveIntegerField(_("content version"))
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    parties = models.ManyToManyField(
        Funder, related_name="convention_versions", verbose_name=_("funders")
    )
    objectives = models.JSONField(_("objectives by function"), default=dict)
    sha256 = models.CharField(_("content hash"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["convention", "n"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "n"], name="unique_convention_version"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="convention_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.n})"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    def canonical(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "period": [self.start_year, self.end_year],
            "parties": sorted(self.parties.values_list("pk", flat=True)),
            "objectives": {str(k): v for k, v in sorted(self.objectives.items())},
            "funding": sorted(
                [line.year, line.funder_id, line.function, str(line.amount)]
                for line in self.funding_lines.all()
            ),
            "targets": sorted(
                [t.indicator.code, t.year, str(t.target)]
                for t in self.targets.select_related("indicator")
            ),
        }

    def compute_hash(self) -> str:
        text = json.dumps(
            self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def document_facts(self) -> dict[str, Any]:
        parties = [
            {"name": str(f), "description": f.get_kind_display()} for f in self.parties.all()
        ]
        articles = [
            {"title": str(Function(int(k)).label), "text": text}
            for k, text in sorted(self.objectives.items(), key=lambda kv: int(kv[0]))
            if text
        ]
        targets = [
            f"{t.indicator.code} — {t.indicator.label} ({t.year}) : {t.target} {t.indicator.unit}"
            for t in self.targets.select_related("indicator").order_by("indicator__code", "year")
        ]
        if targets:
            articles.append(
                {
                    "title": str(_("National indicators and yearly targets")),
                    "text": "\n".join(targets),
                }
            )
        return {
            "title": self.title,
            "period": {"start": f"{self.start_year}-01-01", "end": f"{self.end_year}-12-31"},
            "parties": parties,
            "articles": articles,
            "funding": [
                {
                    "year": line.year,
                    "funder": str(line.funder),
                    "function": line.function,
                    "amount": str(line.amount),
                }
                for line in self.funding_lines.select_related("funder").order_by(
                    "year", "funder", "function"
                )
            ],
            "content_sha256": self.sha256,
        }


class FunderAmount(models.Model):
    """An amount for one funder and one function (lines of amendments and of conclusions)."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    function = models.PositiveSmallIntegerField(_("function"), choices=Function.choices)
    amount = models.DecimalField(_("amount (€)"), **AMOUNT)

    class Meta:
        abstract = True
        ordering = ["funder", "function"]

    def __str__(self) -> str:
        return f"{self.funder} F{self.function}: {self.amount} €"


class FundingLine(models.Model):
    """Plan de financement: an amount for one year × funder × function."""

    version = models.ForeignKey(
        ConventionVersion, on_delete=models.CASCADE, related_name="funding_lines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    function = models.PositiveSmallIntegerField(_("function"), choices=Function.choices)
    amount = models.DecimalField(_("amount (€)"), **AMOUNT)

    class Meta:
        ordering = ["year", "funder", "function"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "year", "funder", "function"], name="unique_funding_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.funder} F{self.function}: {self.amount} €"


class IndicatorTarget(models.Model):
    version = models.ForeignKey(ConventionVersion, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "indicator", "year"], name="unique_indicator_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.target}"
