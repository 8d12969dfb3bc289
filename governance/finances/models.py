"""The money of a CPOM (issue 14.3, 14.4): how each funder pays (terms), the payments received,
and the financial report (compte rendu financier, CRF, Cerfa n°15059) of each subsidy and year.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.conventions.models import Convention
from governance.finances.rules import BOOKKEEPERS, BalanceCondition, Part, Terms
from governance.organisations import limits
from governance.organisations.corrections import CorrectedEntry
from governance.organisations.limits import BoundedTextField
from governance.organisations.models import Arml, Funder, Person, Role
from permissions.rules import is_a_party_officer
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Attached, Slot, condition, step

AMOUNT = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}
MONTH = [MinValueValidator(1), MaxValueValidator(12)]


class PaymentTerms(models.Model):
    """How one funder pays the subsidies of one convention (back office; defaults otherwise)."""

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="payment_terms"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    advance_percent = models.DecimalField(
        _("advance (% of the year's amount)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    advance_month = models.PositiveSmallIntegerField(
        _("advance due by the end of month"), default=3, validators=MONTH
    )
    balance_month = models.PositiveSmallIntegerField(
        _("balance due by the end of month"), default=10, validators=MONTH
    )
    balance_condition = models.CharField(
        _("balance paid"),
        max_length=20,
        choices=BalanceCondition.CHOICES,
        default=BalanceCondition.PREVIOUS_REPORT,
    )

    class Meta:
        verbose_name = _("payment terms")
        verbose_name_plural = _("payment terms")
        constraints = [
            models.UniqueConstraint(fields=["convention", "funder"], name="unique_payment_terms")
        ]

    def __str__(self) -> str:
        return f"{self.convention.reference()} — {self.funder}"

    def as_terms(self) -> Terms:
        return Terms(
            self.advance_percent, self.advance_month, self.balance_month, self.balance_condition
        )


class Payment(CorrectedEntry, models.Model):
    """A payment received from a funder, recorded by the treasurer or the director with the
    funder's reference and its evidence (an attachment on the payment). Never edited nor
    deleted (the database refuses it): a mistake is corrected by a correcting entry, a row of
    negative amount that `reverses` the original and gives its `reason`."""

    #: Who may attach its evidence (workflows/attachments.py): it has no transitions.
    attachment_roles = BOOKKEEPERS
    ledger_prefix = "payment"

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="payments")
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="payments")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    part = models.CharField(_("instalment"), max_length=10, choices=Part.CHOICES)
    #: Negative for a correcting entry (it takes back part or all of the original).
    amount = models.DecimalField(_("amount (€)"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("funder's reference"), max_length=100)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects the entry"),
    )
    reason = BoundedTextField(_("reason of the correction"), blank=True, max_length=limits.TEXT)

    class Meta:
        ordering = ["year", "funder", "received_on", "pk"]
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        indexes = [models.Index(fields=["convention", "year", "funder"])]
        constraints = [
            # A payment is positive; a correcting entry negative, with its original.
            models.CheckConstraint(
                condition=(models.Q(reverses__isnull=True, amount__gt=0))
                | models.Q(reverses__isnull=False, amount__lt=0),
                name="payment_sign",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.funder} — {self.get_part_display()} : {self.amount} €"

    def get_absolute_url(self) -> str:
        return reverse("governance:convention_money", args=[self.convention_id])


class ReportState(models.TextChoices):
    DUE = "due", _("Due")
    SIGNED = "signed", _("Signed by the treasurer")
    SUBMITTED = "submitted", _("Submitted to the funder")
    RETURNED = "returned", _("Returned by the funder")
    ACCEPTED = "accepted", _("Accepted")


SIGNERS = (
    Slot("treasurer", Role.TREASURER, _("The treasurer")),
    Slot("president", Role.PRESIDENT, _("The president, legal representative")),
)
FUNDER_OFFICERS = frozenset({Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER})


@condition(
    _("Fill in the report first: the action carried out and the table of charges."),
    code="report_incomplete",
)
def is_filled(report: FinancialReport) -> bool:
    return bool(report.action_summary.strip() and report.charges)


class FinancialReport(Lifecycle):
    """The financial report of one subsidy (a funder's amount for one year of a convention)."""

    ledger_prefix = "financial_report"
    lock_related = ("convention", "funder")

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="financial_reports")
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="financial_reports"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("due on"))
    action_summary = BoundedTextField(_("action carried out"), blank=True, max_length=limits.REPORT)
    results = BoundedTextField(_("results"), blank=True, max_length=limits.REPORT)
    charges = models.JSONField(_("charges"), default=list, blank=True)
    income = models.JSONField(_("income (besides this subsidy)"), default=list, blank=True)
    gaps = BoundedTextField(_("explanation of the gaps"), blank=True, max_length=limits.REPORT)
    state = FSMField(
        _("state"), default=ReportState.DUE, choices=ReportState.choices, protected=True
    )

    class Meta:
        ordering = ["-year", "funder"]
        verbose_name = _("financial report (CRF)")
        verbose_name_plural = _("financial reports (CRF)")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "funder", "year"], name="unique_financial_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference()} — {self.funder}"

    def reference(self) -> str:
        return f"CRF-{self.year}-{self.pk:03d}" if self.pk else "CRF"

    def get_absolute_url(self) -> str:
        return reverse("governance:financial_report_detail", args=[self.pk])

    def party_funder_ids(self) -> list[int]:
        return [self.funder_id]

    @property
    def is_late(self) -> bool:
        open_states = {ReportState.DUE, ReportState.SIGNED, ReportState.RETURNED}
        return self.state in open_states and timezone.localdate() > self.due_on

    @property
    def is_editable(self) -> bool:
        return self.state in {ReportState.DUE, ReportState.RETURNED}

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        from governance.finances.documents import report_facts

        return report_facts(self, name, ctx)

    # -- transitions ----------------------------------------------------------------------
    @transition(
        field=state,
        source=[ReportState.DUE, ReportState.RETURNED],
        target=ReportState.SIGNED,
        conditions=[is_filled],
        custom=step(
            label=_("Sign the financial report"),
            done="signed",
            roles={Role.TREASURER},
            document="financial_report",
            signers=SIGNERS,
            attachments=[
                Attached(
                    "approved_accounts",
                    message=_(
                        "The approved accounts of the year must be attached to the report first."
                    ),
                )
            ],
        ),
    )
    def sign(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ReportState.SIGNED,
        target=ReportState.SUBMITTED,
        custom=step(
            label=_("Sign and submit to the funder"),
            done="submitted",
            roles={Role.PRESIDENT},
            countersign="financial_report",
        ),
    )
    def submit(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ReportState.SUBMITTED,
        target=ReportState.ACCEPTED,
        custom=step(
            label=_("Accept the financial report"),
            done="accepted",
            roles=FUNDER_OFFICERS,
            rules=[is_a_party_officer],
        ),
    )
    def accept(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=ReportState.SUBMITTED,
        target=ReportState.RETURNED,
        custom=step(
            label=_("Return the report for corrections"),
            done="returned",
            roles=FUNDER_OFFICERS,
            rules=[is_a_party_officer],
            comment_required=True,
            style="danger",
        ),
    )
    def return_report(self, ctx: TransitionContext) -> None:
        from documents.services import supersede
        from workflows.documents import current_document

        document = current_document(self, "financial_report")
        if document is not None:  # the next signature issues a corrected report
            supersede(document=document, reason=ctx.comment)
