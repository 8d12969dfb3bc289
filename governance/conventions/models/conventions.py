"""The CPOM (docs/domain.md § Lifecycles) and its content versions.

A convention's content (title, period, parties, notice period, objectives by function, funding
lines, indicator targets) lives in append-only ConventionVersion rows (workflows.versions): every
saved edit is a new numbered version with its SHA-256, drafted, then negotiated with the funders
(whose officers comment it line by line); `freeze` fixes the version the board deliberates on
and everyone signs — where the ARML's rules ask for it, once the State and the Region agreed on
that exact version.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.conventions.models.circuit_steps import countersigned_steps
from governance.organisations import limits
from governance.organisations.limits import BoundedTextField
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
from workflows import errors
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Deliberated, condition, step
from workflows.versions import Line, VersionedContent, latest

AMOUNT = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class ConventionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_CONSULTATION = "in_consultation", _("In consultation")
    IN_NEGOTIATION = "in_negotiation", _("In negotiation")
    AWAITING_AGREEMENT = "awaiting_agreement", _("Awaiting the funders' agreement")
    FROZEN = "frozen", _("Frozen draft (projet arrêté)")
    ADOPTED = "adopted", _("Adopted by the board")
    AWAITING_COUNTERSIGNATURES = "awaiting_countersignatures", _("Awaiting countersignatures")
    IN_FORCE = "in_force", _("In force")
    TERMINATING = "terminating", _("In force, termination notified")
    IN_EVALUATION = "in_evaluation", _("Final evaluation")
    CLOSED = "closed", _("Closed")
    IN_RENEGOTIATION = "in_renegotiation", _("In renegotiation")
    TERMINATED = "terminated", _("Terminated")


#: The director revises the content while drafting and negotiating; every save is a version.
EDITABLE = {
    ConventionState.DRAFT,
    ConventionState.IN_CONSULTATION,
    ConventionState.IN_NEGOTIATION,
    ConventionState.AWAITING_AGREEMENT,
    ConventionState.IN_RENEGOTIATION,
}
#: The funders' officers comment the versions exchanged with them.
NEGOTIATING = EDITABLE - {ConventionState.DRAFT}
#: A convention whose termination was notified stays in force until its effective date: it is
#: amended, paid and shown on dashboards as one in force (issue 13.15).
IN_FORCE_STATES = frozenset({ConventionState.IN_FORCE, ConventionState.TERMINATING})
DEFAULT_NOTICE_MONTHS = 3


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


@condition(
    _(
        "The ARML's rules ask for the technical agreement of the State and the Region on the "
        "version before it is frozen: ask for it."
    )
)
def agreement_not_required(convention: Convention) -> bool:
    return not convention.arml.cpom_freeze_needs_funders_agreement


@condition(
    _(
        "The ARML's rules do not ask for the funders' agreement before the freeze: freeze the "
        "draft directly."
    )
)
def agreement_required(convention: Convention) -> bool:
    return convention.arml.cpom_freeze_needs_funders_agreement


@condition(_("The agreement was asked on another version: ask again on this one."))
def agreement_on_this_version(convention: Convention) -> bool:
    content = convention.content
    return content is not None and convention.agreement_version == content.n


@condition(_("Both the State and the Region must have agreed on this exact version."))
def both_agreed(convention: Convention) -> bool:
    return agreement_on_this_version(convention) and {"state", "region"} <= set(
        convention.agreements.filter(version=convention.content).values_list(
            "funder__kind", flat=True
        )
    )


def _not_yet_message(convention: Convention) -> str:
    return gettext("The termination takes effect on %(date)s.") % {
        "date": convention.terminates_on.strftime("%d/%m/%Y") if convention.terminates_on else "—"
    }


@condition(_not_yet_message)
def termination_date_reached(convention: Convention) -> bool:
    return convention.terminates_on is not None and convention.terminates_on <= timezone.localdate()


class Convention(
    countersigned_steps(kind="convention", sign_label=_("Sign the convention")), Lifecycle
):
    ledger_prefix = "convention"
    #: The circuits this lifecycle starts: the funders' agreement on a version, the signatures.
    circuits_after = {"request_agreement": "agreement", "adopt": "countersign"}

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="conventions")
    frozen_hash = models.CharField(_("frozen content hash"), max_length=64, blank=True)
    frozen_version = models.PositiveIntegerField(_("frozen content version"), null=True, blank=True)
    agreement_version = models.PositiveIntegerField(
        _("content version put to the funders' agreement"), null=True, blank=True
    )
    termination_notified_on = models.DateField(_("termination notified on"), null=True, blank=True)
    terminates_on = models.DateField(_("termination takes effect on"), null=True, blank=True)
    terminated_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    termination_reason = BoundedTextField(
        _("reason for the termination"), blank=True, max_length=limits.COMMENT
    )
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
                self._content = latest(prefetched)
            else:
                self._content = self.versions.order_by("-n").first() if self.pk else None
        return self._content

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def is_negotiating(self) -> bool:
        return self.state in NEGOTIATING

    @property
    def is_in_force(self) -> bool:
        return self.state in IN_FORCE_STATES

    def ledger_label(self) -> str:
        content = self.content
        return f"{self} — {content.label}" if content else str(self)

    def party_funder_ids(self) -> list[int]:
        content = self.content
        return [party.pk for party in content.parties.all()] if content else []

    def event_data(self, name: str) -> dict[str, Any]:
        content = self.content
        if content is None:
            return {}
        data: dict[str, Any] = {"content_version": content.n, "content_sha256": content.sha256}
        if name == "refuse":
            data["refused_version"] = content.n - 1
        return data

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        from governance.conventions.documents import convention_facts

        return convention_facts(self, name, ctx)

    def transition_inputs(self, name: str) -> list[dict[str, Any]]:
        if name != "terminate":
            return []
        return [{"name": "effective_on", "label": _("Takes effect on"), "type": "date"}]

    def clean_transition_data(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        if name != "terminate":
            return {}
        from governance.conventions.rules import notice_refusal

        try:
            effective_on = dt.date.fromisoformat(str(data.get("effective_on", "")).strip())
        except ValueError:
            message = gettext("Give the date the termination takes effect (YYYY-MM-DD).")
            raise errors.InvalidData(
                message, code="effective_date_required", details={"effective_on": [message]}
            ) from None
        content = self.content
        refusal = notice_refusal(
            notified_on=timezone.localdate(),
            months=content.notice_months,
            effective_on=effective_on,
            period_end=dt.date(content.end_year, 12, 31),
        )
        if refusal:
            raise errors.InvalidData(
                refusal.message, code=refusal.code, details={"effective_on": [refusal.message]}
            )
        return {"effective_on": effective_on.isoformat(), "notice_months": content.notice_months}

    def _freeze(self) -> None:
        self.frozen_hash = self.content.sha256
        self.frozen_version = self.content.n

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
        target=ConventionState.AWAITING_AGREEMENT,
        conditions=[agreement_required],
        custom=step(
            label=_("Ask the State and the Region to agree on this version"),
            done="agreement_requested",
            roles={Role.ARML_DIRECTOR},
        ),
    )
    def request_agreement(self, ctx: TransitionContext) -> None:
        self.agreement_version = self.content.n

    @transition(
        field=state,
        source=[ConventionState.IN_NEGOTIATION, ConventionState.IN_RENEGOTIATION],
        target=ConventionState.FROZEN,
        conditions=[agreement_not_required],
        custom=step(
            label=_("Freeze the draft"),
            done="frozen",
            roles={Role.ARML_DIRECTOR},
            document="convention",
        ),
    )
    def freeze(self, ctx: TransitionContext) -> None:
        self._freeze()

    @transition(
        field=state,
        source=ConventionState.AWAITING_AGREEMENT,
        target=ConventionState.AWAITING_AGREEMENT,
        conditions=[agreement_on_this_version],
        custom=step(
            label=_("Agree on this version"),
            done="agreed",
            roles={Role.STATE_OFFICER, Role.REGION_OFFICER},
            rules=[is_a_party_officer],
            circuit=True,
        ),
    )
    def agree(self, ctx: TransitionContext) -> None:
        from governance.conventions.services import agreement_record

        agreement_record(convention=self, actor=ctx.actor, principal=ctx.principal)

    @transition(
        field=state,
        source=ConventionState.AWAITING_AGREEMENT,
        target=ConventionState.FROZEN,
        conditions=[both_agreed],
        custom=step(
            label=_("Freeze the agreed version"),
            done="frozen",
            roles={Role.STATE_OFFICER, Role.REGION_OFFICER},
            document="convention",
            circuit=True,
            automatic=True,
        ),
    )
    def freeze_on_agreement(self, ctx: TransitionContext) -> None:
        self._freeze()

    @transition(
        field=state,
        source=ConventionState.AWAITING_AGREEMENT,
        target=ConventionState.IN_NEGOTIATION,
        custom=step(
            label=_("Withdraw the request for agreement"),
            done="agreement_withdrawn",
            roles={Role.ARML_DIRECTOR},
            style="secondary",
        ),
    )
    def withdraw_agreement_request(self, ctx: TransitionContext) -> None:
        from workflows.circuits import cancel_active

        cancel_active(self)
        self.agreement_version = None

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
        self.frozen_version = None
        self.agreement_version = None

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
        target=ConventionState.TERMINATING,
        custom=step(
            label=_("Terminate"),
            done="termination_notified",
            roles={Role.PRESIDENT, Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER},
            rules=[is_a_party_officer],
            deliberation=TERMINATION,
            comment_required=True,
            data_fields=["effective_on"],
            style="danger",
        ),
    )
    def terminate(self, ctx: TransitionContext) -> None:
        from django.db import transaction

        from governance.conventions.services import notify_termination

        self.termination_notified_on = timezone.localdate()
        self.terminates_on = dt.date.fromisoformat(ctx.data["effective_on"])
        self.terminated_by = ctx.principal
        self.termination_reason = ctx.comment
        pk, by, reason, on = self.pk, ctx.principal, ctx.comment, self.terminates_on
        transaction.on_commit(
            lambda: notify_termination(
                convention=Convention.objects.get(pk=pk), by=by, reason=reason, effective_on=on
            )
        )

    @transition(
        field=state,
        source=ConventionState.TERMINATING,
        target=ConventionState.TERMINATED,
        conditions=[termination_date_reached],
        custom=step(
            label=_("End on the termination's effective date"),
            done="terminated",
            roles={Role.PRESIDENT, Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER},
            automatic=True,
        ),
    )
    def end_by_termination(self, ctx: TransitionContext) -> None:
        pass


class ConventionVersion(VersionedContent):
    """One saved state of a convention's content (workflows.versions): append-only, numbered."""

    owner_field = "convention"

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="versions")
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    parties = models.ManyToManyField(
        Funder, related_name="convention_versions", verbose_name=_("funders")
    )
    notice_months = models.PositiveSmallIntegerField(
        _("notice period of a termination (months)"),
        default=DEFAULT_NOTICE_MONTHS,
        validators=[MaxValueValidator(24)],
    )
    objectives = models.JSONField(_("objectives by function"), default=dict)

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
        return f"{self.title} ({self.label})"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    def content_canonical(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "period": [self.start_year, self.end_year],
            "parties": sorted(self.parties.values_list("pk", flat=True)),
            "notice_months": self.notice_months,
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

    def diff_lines(self) -> list[Line]:
        from governance.conventions import rules

        return [
            *rules.general_lines(
                title=self.title,
                start_year=self.start_year,
                end_year=self.end_year,
                parties=[str(f) for f in self.parties.all()],
                notice_months=self.notice_months,
            ),
            *rules.objective_lines(self.objectives),
            *rules.funding_lines(
                (li.year, li.funder_id, str(li.funder), li.function, li.amount)
                for li in self.funding_lines.select_related("funder")
            ),
            *rules.target_lines(
                (t.indicator.code, t.indicator.label, t.year, t.target)
                for t in self.targets.select_related("indicator")
            ),
        ]

    def document_facts(self) -> dict[str, Any]:
        parties = [
            {"name": str(f), "description": f.get_kind_display()} for f in self.parties.all()
        ]
        from documents.renderers.base import format_number

        articles = [
            # the function's label carries its number ("1. Accompagnement…"): the article
            # has its own, so the heading reads "Article 1 — Accompagnement…"
            {"title": re.sub(r"^\d+\.\s*", "", str(Function(int(k)).label)), "text": text}
            for k, text in sorted(self.objectives.items(), key=lambda kv: int(kv[0]))
            if text
        ]
        targets = [
            f"{t.indicator.code} — {t.indicator.label} ({t.year}) : "
            f"{format_number(t.target)} {t.indicator.unit}"
            for t in self.targets.select_related("indicator").order_by("indicator__code", "year")
        ]
        if targets:
            articles.append(
                {
                    "title": str(_("National indicators and yearly targets")),
                    "text": "\n".join(targets),
                }
            )
        articles.append(
            {
                "title": str(_("Termination")),
                "text": gettext(
                    "Each party may terminate this convention by a signed and reasoned act "
                    "notified to the other parties, with a notice period of %(months)s months."
                )
                % {"months": self.notice_months},
            }
        )
        return {
            "title": self.title,
            "period": {"start": f"{self.start_year}-01-01", "end": f"{self.end_year}-12-31"},
            "parties": parties,
            "articles": articles,
            "notice_months": self.notice_months,
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
            "content_version": self.n,
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


class LineComment(models.Model):
    """A funder's officer's comment on one line of a negotiated version (issue 14.2). The line
    key is the same in every version (workflows.versions.Line), so a comment follows its line."""

    version = models.ForeignKey(
        ConventionVersion, on_delete=models.PROTECT, related_name="comments"
    )
    line = models.CharField(_("line"), max_length=80)
    text = BoundedTextField(_("comment"), max_length=limits.COMMENT)
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a line")
        verbose_name_plural = _("comments on lines")

    def __str__(self) -> str:
        return f"{self.version.label} {self.line}: {self.text[:40]}"


class Agreement(models.Model):
    """A party's technical agreement on one exact version before the freeze (issue 14.2)."""

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="agreements")
    version = models.ForeignKey(ConventionVersion, on_delete=models.PROTECT, related_name="+")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    principal = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreed_at", "pk"]
        verbose_name = _("agreement on a version")
        verbose_name_plural = _("agreements on versions")
        constraints = [
            models.UniqueConstraint(fields=["version", "funder"], name="unique_agreement")
        ]

    def __str__(self) -> str:
        return f"{self.funder} — {self.version.label}"
