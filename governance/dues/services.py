"""Writes of the dues outside transitions: the director drafts the year's schedule and prepares
the calls once the general assembly has set the dues; the director (or the treasurer) records
the payments. Each is an act: authorised with `require`, ledgered with `record`, refusals
ledgered too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.dues import rules
from governance.dues.models import CallState, DuesCall, DuesPayment, DuesSchedule, ScheduleState
from governance.finances.rules import Correction, correction_refusal
from governance.organisations.models import Arml, MissionLocale, Person
from workflows import errors
from workflows.acts import record, refusals_ledgered, require
from workflows.engine import perform, perform_automatic


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "")).quantize(rules.CENT)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount in euros.")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("Enter an amount in euros.")})
    return amount


def _check_draft(schedule: DuesSchedule) -> None:
    if schedule.state != ScheduleState.DRAFT:
        raise errors.InvalidState(
            _("The dues the general assembly set can no longer be changed."),
            code="dues_schedule_adopted",
        )


@refusals_ledgered("draft", lambda kw: kw["arml"])
@transaction.atomic
def dues_schedule_create(
    *,
    actor: Person,
    arml: Arml,
    year: int,
    base_amount: Any,
    per_young_amount: Any = "0",
    due_on: dt.date,
    notes: str = "",
    request_info: Mapping[str, str] | None = None,
) -> DuesSchedule:
    principal = require(actor, arml, rules.DRAFT, arml_id=arml.pk)
    if DuesSchedule.objects.filter(arml=arml, year=year).exists():
        message = _("The dues for %(year)s already have a schedule.") % {"year": year}
        raise errors.InvalidData(message, code="dues_schedule_exists", details={"year": [message]})
    schedule = DuesSchedule.objects.create(
        arml=arml,
        year=year,
        base_amount=_amount(base_amount, "base_amount"),
        per_young_amount=_amount(per_young_amount or "0", "per_young_amount"),
        due_on=due_on,
        notes=notes.strip(),
    )
    record(
        schedule,
        "drafted",
        actor=actor,
        principal=principal,
        data={**schedule.canonical(), "content_sha256": schedule.compute_hash()},
        request_info=request_info,
        created=True,
    )
    return schedule


@refusals_ledgered("draft", lambda kw: kw["schedule"])
@transaction.atomic
def dues_schedule_update(
    *,
    actor: Person,
    schedule: DuesSchedule,
    base_amount: Any,
    per_young_amount: Any = "0",
    due_on: dt.date,
    notes: str = "",
    request_info: Mapping[str, str] | None = None,
) -> DuesSchedule:
    schedule = DuesSchedule.objects.select_for_update().get(pk=schedule.pk)
    principal = require(actor, schedule, rules.DRAFT)
    _check_draft(schedule)
    schedule.base_amount = _amount(base_amount, "base_amount")
    schedule.per_young_amount = _amount(per_young_amount or "0", "per_young_amount")
    schedule.due_on = due_on
    schedule.notes = notes.strip()
    schedule.save(
        update_fields=["base_amount", "per_young_amount", "due_on", "notes", "updated_at"]
    )
    record(
        schedule,
        "changed",
        actor=actor,
        principal=principal,
        data={**schedule.canonical(), "content_sha256": schedule.compute_hash()},
        request_info=request_info,
    )
    return schedule


@refusals_ledgered("issue_calls", lambda kw: kw["schedule"])
@transaction.atomic
def dues_calls_prepare(
    *,
    actor: Person,
    schedule: DuesSchedule,
    young_people: Mapping[Any, Any] | None = None,
    request_info: Mapping[str, str] | None = None,
) -> list[DuesCall]:
    """One call per Mission Locale of the ARML that has none for the year yet (the schedule's
    rule applied to the young people each accompanied, when the rule counts them)."""
    schedule = DuesSchedule.objects.select_for_update().select_related("arml").get(pk=schedule.pk)
    principal = require(actor, schedule, rules.ISSUE)
    if schedule.state != ScheduleState.ADOPTED:
        raise errors.InvalidState(
            _("Calls for dues are prepared only from the dues the general assembly adopted."),
            code="dues_not_adopted",
        )
    counts = {str(k): v for k, v in (young_people or {}).items()}
    mls = (
        MissionLocale.objects.filter(arml=schedule.arml)
        .exclude(dues_calls__year=schedule.year)
        .order_by("name")
    )
    problems: list[str] = []
    created = []
    for ml in mls:
        raw = counts.get(str(ml.pk), 0 if not schedule.uses_young_people else None)
        try:
            young = int(raw)  # type: ignore[arg-type]
            if young < 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(_("%(ml)s: give the number of young people accompanied.") % {"ml": ml})
            continue
        created.append(
            DuesCall(
                arml=schedule.arml,
                schedule=schedule,
                mission_locale=ml,
                year=schedule.year,
                young_people=young,
                amount=rules.dues_amount(schedule.base_amount, schedule.per_young_amount, young),
                due_on=schedule.due_on,
            )
        )
    if problems:
        raise errors.InvalidData(
            " ".join(problems),
            code="dues_young_people_missing",
            details={"young_people": problems},
        )
    for call in created:
        call.save()
    record(
        schedule,
        "calls_prepared",
        actor=actor,
        principal=principal,
        data={
            "calls": [
                {"call": c.pk, "mission_locale": c.mission_locale_id, "amount": str(c.amount)}
                for c in created
            ]
        },
        request_info=request_info,
    )
    return created


@refusals_ledgered("record_payment", lambda kw: kw["call"])
@transaction.atomic
def dues_payment_record(
    *,
    actor: Person,
    call: DuesCall,
    amount: Any,
    paid_on: dt.date | None = None,
    reference: str = "",
    request_info: Mapping[str, str] | None = None,
) -> DuesPayment:
    """Record a payment; the one that pays the call in full settles it (a signed receipt)."""
    call = DuesCall.objects.select_for_update().get(pk=call.pk)
    principal = require(actor, call, rules.PAY)
    if call.state != CallState.CALLED:
        raise errors.InvalidState(
            _("Payments are recorded against a call that was issued and is not yet settled."),
            code="dues_not_called",
        )
    paid = _amount(amount, "amount")
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
    problem = rules.payment_problem(paid, call.left_to_pay())
    if problem:
        raise errors.InvalidData(
            problem, code="dues_payment_invalid", details={"amount": [problem]}
        )
    payment = DuesPayment.objects.create(
        call=call, amount=paid, paid_on=paid_on, reference=reference.strip(), recorded_by=actor
    )
    record(
        call,
        "payment_recorded",
        actor=actor,
        principal=principal,
        data={
            "payment": payment.pk,
            "amount": str(paid),
            "paid_on": paid_on.isoformat(),
            "reference": payment.reference,
            "left_to_pay": str(call.left_to_pay()),
        },
        request_info=request_info,
    )
    if call.left_to_pay() == rules.ZERO:
        perform(call, "settle", actor=actor, request_info=dict(request_info or {}) or None)
    return payment


@refusals_ledgered("correct_payment", lambda kw: kw["payment"].call)
@transaction.atomic
def dues_payment_correct(
    *,
    actor: Person,
    payment: DuesPayment,
    reason: str,
    amount: Any = None,
    request_info: Mapping[str, str] | None = None,
) -> DuesPayment:
    """Record a correcting entry against a payment of dues recorded by mistake: `amount` (all
    that remains of it by default) taken back, with its reason, as a new row of negative
    amount; the original row is never touched. A settled call that is no longer paid in full
    is reopened (called again, so in arrears once past its due date)."""
    call = DuesCall.objects.select_for_update().get(pk=payment.call_id)
    principal = require(actor, call, rules.PAY)
    original = DuesPayment.objects.get(pk=payment.pk)
    corrected = rules.paid_total(
        DuesPayment.objects.filter(reverses=original).values_list("amount", flat=True)
    )
    taken = (
        _amount(amount, "amount")
        if amount not in (None, "")
        else (original.amount + corrected).quantize(rules.CENT)
    )
    refusal = correction_refusal(
        Correction(
            original=original.amount,
            corrected=corrected,
            amount=taken,
            total_after=call.paid() - taken,
            reason=reason or "",
            is_correction=original.is_correction,
        )
    )
    if refusal:
        raise errors.InvalidData(refusal[1], code=refusal[0], details={"reason": [refusal[1]]})
    correction = DuesPayment.objects.create(
        call=call,
        amount=-taken,
        paid_on=timezone.localdate(),
        reference=original.reference,
        recorded_by=actor,
        reverses=original,
        reason=reason.strip(),
    )
    record(
        call,
        "payment_corrected",
        actor=actor,
        principal=principal,
        data={
            "payment": correction.pk,
            "corrects": original.pk,
            "amount": str(correction.amount),
            "reason": correction.reason,
            "left_to_pay": str(call.left_to_pay()),
        },
        request_info=request_info,
    )
    if call.state == CallState.PAID and call.left_to_pay() > rules.ZERO:
        perform_automatic(call, "reopen", actor=actor, principal=actor, task=None)
    return correction
