"""Writes of the finances room: a payment received (with its evidence), a financial report's
content, and the opening of the reports due once a year has ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.conventions.models import IN_FORCE_STATES, Convention, ConventionState
from governance.conventions.selectors import effective_funding
from governance.finances import selectors
from governance.finances.models import FinancialReport, Payment
from governance.finances.rules import (
    DRAFT_REPORT,
    RECORD_PAYMENT,
    Correction,
    Part,
    Row,
    correction_refusal,
    money,
    payment_refusal,
    report_due_on,
)
from governance.organisations.models import Funder, Person
from workflows import errors
from workflows.acts import record, refusals_ledgered, require
from workflows.attachments import attachment_add, ledger_data

#: Conventions whose subsidies are paid and justified (in force, being evaluated or closed).
PAID_STATES = {*IN_FORCE_STATES, ConventionState.IN_EVALUATION, ConventionState.CLOSED}


@dataclass(frozen=True)
class PaymentInput:
    funder: Funder
    year: int
    part: str
    amount: Decimal
    received_on: dt.date
    reference: str
    filename: str
    content: bytes


def _convention(kwargs: dict[str, Any]) -> Convention:
    return kwargs["convention"]


@refusals_ledgered("record_payment", _convention)
def payment_record(
    *,
    actor: Person,
    convention: Convention,
    item: PaymentInput,
    request_info: dict[str, str] | None = None,
) -> Payment:
    """Record a payment received, with the funder's reference and its evidence attached."""
    principal = require(actor, convention, RECORD_PAYMENT)
    if convention.state not in PAID_STATES:
        raise errors.InvalidState(
            _("Payments are recorded on a convention in force."), code="invalid_state"
        )
    reference = (item.reference or "").strip()
    if not reference:
        message = _("Give the funder's reference of the payment (mandate or transfer number).")
        raise errors.InvalidData(message, code="reference_required")
    if not item.content:
        raise errors.InvalidData(
            _("Attach the evidence of the payment (the funder's notice)."), code="file_required"
        )
    if item.part not in dict(Part.CHOICES):
        raise errors.InvalidData(_("Choose the advance or the balance."), code="invalid_data")
    amount = money(item.amount)
    with transaction.atomic():
        Convention.objects.select_for_update().get(pk=convention.pk)  # one payment at a time
        refusal = payment_refusal(
            amount=amount,
            committed=selectors.committed_for(convention, item.year, item.funder.pk),
            already_paid=selectors.paid_for(convention, item.year, item.funder.pk),
            part_amount=selectors.instalment_amount(
                convention, item.year, item.funder.pk, item.part
            ),
        )
        if refusal:
            raise errors.InvalidData(refusal[1], code=refusal[0])
        payment = Payment.objects.create(
            arml=convention.arml,
            convention=convention,
            funder=item.funder,
            year=item.year,
            part=item.part,
            amount=amount,
            received_on=item.received_on,
            reference=reference[:100],
            recorded_by=actor,
        )
        attachment = attachment_add(
            actor=actor,
            obj=payment,
            kind="payment_notice",
            title=_("Notice of payment %(reference)s") % {"reference": reference},
            filename=item.filename,
            content=item.content,
            request_info=request_info,
        )
        record(
            convention,
            "payment_recorded",
            actor=actor,
            principal=principal,
            data={
                "payment": {
                    "id": payment.pk,
                    "funder": item.funder.pk,
                    "year": item.year,
                    "part": item.part,
                    "amount": str(amount),
                    "received_on": item.received_on.isoformat(),
                    "reference": payment.reference,
                    "evidence": {
                        "id": attachment.pk,
                        "sha256": ledger_data(attachment)["sha256"],
                    },
                }
            },
            request_info=request_info,
        )
    return payment


@refusals_ledgered("correct_payment", lambda kw: kw["payment"].convention)
def payment_correct(
    *,
    actor: Person,
    payment: Payment,
    reason: str,
    amount: Decimal | None = None,
    request_info: dict[str, str] | None = None,
) -> Payment:
    """Record a correcting entry: `amount` (all that remains of the payment by default) taken
    back from a payment recorded by mistake, with its reason. The original row is never
    touched; the correction is a new row of negative amount that points at it."""
    convention = payment.convention
    principal = require(actor, convention, RECORD_PAYMENT)
    with transaction.atomic():
        Convention.objects.select_for_update().get(pk=convention.pk)  # one entry at a time
        original = Payment.objects.get(pk=payment.pk)
        corrected = sum(
            (p.amount for p in Payment.objects.filter(reverses=original)), Decimal("0.00")
        )
        taken = money(amount) if amount is not None else money(original.amount + corrected)
        paid = selectors.paid_for(convention, original.year, original.funder_id)
        refusal = correction_refusal(
            Correction(
                original=original.amount,
                corrected=corrected,
                amount=taken,
                total_after=paid - taken,
                reason=reason or "",
                is_correction=original.is_correction,
            )
        )
        if refusal:
            raise errors.InvalidData(refusal[1], code=refusal[0])
        correction = Payment.objects.create(
            arml=original.arml,
            convention=convention,
            funder_id=original.funder_id,
            year=original.year,
            part=original.part,
            amount=-taken,
            received_on=timezone.localdate(),
            reference=original.reference,
            recorded_by=actor,
            reverses=original,
            reason=reason.strip(),
        )
        record(
            convention,
            "payment_corrected",
            actor=actor,
            principal=principal,
            data={
                "payment": {
                    "id": correction.pk,
                    "corrects": original.pk,
                    "funder": original.funder_id,
                    "year": original.year,
                    "part": original.part,
                    "amount": str(correction.amount),
                    "reason": correction.reason,
                }
            },
            request_info=request_info,
        )
    return correction


def _report(kwargs: dict[str, Any]) -> FinancialReport:
    return kwargs["report"]


@dataclass(frozen=True)
class ReportContent:
    action_summary: str
    results: str
    charges: Sequence[Row]
    income: Sequence[Row]
    gaps: str


@refusals_ledgered("draft", _report)
def financial_report_save(
    *,
    actor: Person,
    report: FinancialReport,
    content: ReportContent,
    request_info: dict[str, str] | None = None,
) -> FinancialReport:
    """Save the report's content while it is due or returned (the treasurer or the director)."""
    principal = require(actor, report, DRAFT_REPORT)
    with transaction.atomic():
        report = FinancialReport.objects.select_for_update().get(pk=report.pk)
        if not report.is_editable:
            raise errors.InvalidState(
                _("The report can be changed only while it is due or returned."),
                code="invalid_state",
            )
        report.action_summary = content.action_summary.strip()
        report.results = content.results.strip()
        report.charges = [r.as_dict() for r in content.charges]
        report.income = [r.as_dict() for r in content.income]
        report.gaps = content.gaps.strip()
        report.save(
            update_fields=[
                "action_summary",
                "results",
                "charges",
                "income",
                "gaps",
                "updated_at",
            ]
        )
        record(
            report,
            "content_saved",
            actor=actor,
            principal=principal,
            data={
                "charges": report.charges,
                "income": report.income,
                "gaps_given": bool(report.gaps),
            },
            request_info=request_info,
        )
    return report


def crf_month_day() -> str:
    return str(getattr(settings, "ARML_CRF_DUE", "06-30"))


def reports_open(now: dt.datetime | None = None) -> list[FinancialReport]:
    """Open the financial report of every subsidy whose year has ended (idempotent): one per
    convention, funder and year with an amount committed. Run by `deadlines run`."""
    today = timezone.localdate(now) if now else timezone.localdate()
    opened = []
    conventions = Convention.objects.filter(state__in=PAID_STATES).select_related("arml")
    for convention in conventions:
        table = effective_funding(convention)
        existing = set(
            FinancialReport.objects.filter(convention=convention).values_list("year", "funder_id")
        )
        for year in table.years:
            if year >= today.year:
                continue
            for funder in table.funders:
                if (year, funder.pk) in existing:
                    continue
                if table.total_for_year_and_funder(year, funder.pk) <= 0:
                    continue
                with transaction.atomic():
                    report = FinancialReport.objects.create(
                        arml=convention.arml,
                        convention=convention,
                        funder=funder,
                        year=year,
                        due_on=report_due_on(year, crf_month_day()),
                    )
                    record(
                        report,
                        "opened",
                        actor=None,
                        data={"year": year, "funder": funder.pk, "due_on": str(report.due_on)},
                        created=True,
                    )
                opened.append(report)
    return opened
