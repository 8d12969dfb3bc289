"""The Missions Locales' dues (cotisations), one of the ARML's own resources.

A `DuesSchedule` is the year's rule (a base per Mission Locale and an amount per young person),
drafted by the director and adopted by the president on a final general-assembly deliberation
on that exact rule (`Deliberated`, so the schedule is offered on the AG's agenda by itself).
From an adopted schedule the director prepares one `DuesCall` per Mission Locale; the president
issues each (a signed call for dues); payments are recorded as they come (partial allowed) and
the last one settles the call. Dues never become a party to the CPOM: they are the ARML's own.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.dues import rules
from governance.organisations import limits
from governance.organisations.corrections import CorrectedEntry
from governance.organisations.limits import BoundedTextField
from governance.organisations.models import Arml, BodyKind, MissionLocale, Person, Role
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Deliberated, condition, step

AMOUNT = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


def euros(value: Decimal) -> str:
    return f"{number_format(value, 2, force_grouping=True)} €"


class ScheduleState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


#: The general assembly sets the dues (statutes): on this rule, in this exact version.
GA_DECIDES = Deliberated(
    bodies=frozenset({BodyKind.AG}),
    fingerprint=lambda schedule: schedule.compute_hash(),
    subject=_("Setting of the dues"),
    message=_(
        "The general assembly must first adopt, by a final deliberation, this dues schedule "
        "as it stands."
    ),
)


class DuesSchedule(Lifecycle):
    ledger_prefix = "dues_schedule"

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="dues_schedules")
    year = models.PositiveSmallIntegerField(_("year"))
    base_amount = models.DecimalField(_("amount per Mission Locale (€)"), **AMOUNT)
    per_young_amount = models.DecimalField(
        _("amount per young person accompanied (€)"), default=Decimal("0.00"), **AMOUNT
    )
    due_on = models.DateField(_("due date"))
    notes = BoundedTextField(_("notes"), blank=True, max_length=limits.TEXT)
    adopted_hash = models.CharField(_("adopted rule hash"), max_length=64, blank=True)
    state = FSMField(
        _("state"), default=ScheduleState.DRAFT, choices=ScheduleState.choices, protected=True
    )

    class Meta:
        ordering = ["-year", "arml"]
        verbose_name = _("dues schedule")
        verbose_name_plural = _("dues schedules")
        constraints = [
            models.UniqueConstraint(fields=["arml", "year"], name="unique_dues_schedule_year")
        ]

    def __str__(self) -> str:
        return str(_("Dues %(year)s — %(arml)s") % {"year": self.year, "arml": self.arml})

    def get_absolute_url(self) -> str:
        return reverse("governance:dues_schedule_detail", args=[self.pk])

    def reference(self) -> str:
        return f"COT-{self.year}" + (f"-{self.pk:03d}" if self.pk else "")

    @property
    def uses_young_people(self) -> bool:
        return self.per_young_amount > 0

    def rule_sentence(self) -> str:
        if not self.uses_young_people:
            return str(_("%(base)s per Mission Locale") % {"base": euros(self.base_amount)})
        return str(
            _("%(base)s per Mission Locale plus %(young)s per young person accompanied")
            % {"base": euros(self.base_amount), "young": euros(self.per_young_amount)}
        )

    def canonical(self) -> dict[str, Any]:
        return {
            "arml": self.arml_id,
            "year": self.year,
            "base_amount": str(Decimal(self.base_amount).quantize(rules.CENT)),
            "per_young_amount": str(Decimal(self.per_young_amount).quantize(rules.CENT)),
            "due_on": self.due_on.isoformat(),
            "notes": self.notes,
        }

    def compute_hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        return {
            "body": [
                str(
                    _("Dues for %(year)s: %(rule)s.")
                    % {"year": self.year, "rule": self.rule_sentence()}
                ),
                str(_("Due date: %(date)s.") % {"date": self.due_on.strftime("%d/%m/%Y")}),
                str(
                    _("SHA-256 fingerprint of the rule adopted: %(fp)s.")
                    % {"fp": self.compute_hash()}
                ),
            ]
        }

    @transition(
        field=state,
        source=ScheduleState.DRAFT,
        target=ScheduleState.ADOPTED,
        custom=step(
            label=_("Adopt the dues the general assembly set"),
            done="adopted",
            roles={Role.PRESIDENT},
            deliberation=GA_DECIDES,
        ),
    )
    def adopt(self, ctx: TransitionContext) -> None:
        self.adopted_hash = self.compute_hash()


class CallState(models.TextChoices):
    DRAFT = "draft", _("Prepared")
    CALLED = "called", _("Called")
    PAID = "paid", _("Paid")


@condition(_("The call is settled only once everything due has been paid."), code="dues_not_paid")
def fully_paid(call: DuesCall) -> bool:
    return call.left_to_pay() == rules.ZERO


@condition(
    _("The call is reopened only when a correction leaves something to pay."),
    code="dues_fully_paid",
)
def not_fully_paid(call: DuesCall) -> bool:
    return call.left_to_pay() > rules.ZERO


class DuesCall(Lifecycle):
    ledger_prefix = "dues_call"
    lock_related = ("mission_locale", "schedule")

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="dues_calls")
    schedule = models.ForeignKey(DuesSchedule, on_delete=models.PROTECT, related_name="calls")
    mission_locale = models.ForeignKey(
        MissionLocale, on_delete=models.PROTECT, related_name="dues_calls"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    young_people = models.PositiveIntegerField(_("young people accompanied"), default=0)
    amount = models.DecimalField(_("amount called (€)"), **AMOUNT)
    due_on = models.DateField(_("due date"))
    state = FSMField(_("state"), default=CallState.DRAFT, choices=CallState.choices, protected=True)

    class Meta:
        ordering = ["-year", "mission_locale__name"]
        verbose_name = _("call for dues")
        verbose_name_plural = _("calls for dues")
        constraints = [
            # One call per Mission Locale and year.
            models.UniqueConstraint(fields=["mission_locale", "year"], name="unique_dues_call"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="dues_call_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["arml", "year", "state"])]

    def __str__(self) -> str:
        return str(
            _("Call for dues %(year)s — %(ml)s") % {"year": self.year, "ml": self.mission_locale}
        )

    def get_absolute_url(self) -> str:
        return reverse("governance:dues_call_detail", args=[self.pk])

    def reference(self) -> str:
        return f"COT-{self.year}-ML{self.mission_locale_id:03d}" if self.pk else "COT"

    def beneficiary_ids(self) -> list[int]:
        return [self.mission_locale_id]

    # -- money ---------------------------------------------------------------------------
    def paid(self) -> Decimal:
        cached = getattr(self, "paid_sum", None)  # annotated by the selectors
        if cached is not None:
            return Decimal(cached).quantize(rules.CENT)
        return rules.paid_total(self.payments.values_list("amount", flat=True))

    def left_to_pay(self) -> Decimal:
        return rules.balance(self.amount, self.paid())

    @property
    def in_arrears(self) -> bool:
        return rules.in_arrears(
            called=self.state == CallState.CALLED,
            due_on=self.due_on,
            left=self.left_to_pay(),
            today=timezone.localdate(),
        )

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        if name != "call":
            return {
                "body": [
                    str(
                        _("Dues %(year)s of %(ml)s: %(amount)s called, %(paid)s received.")
                        % {
                            "year": self.year,
                            "ml": self.mission_locale,
                            "amount": euros(self.amount),
                            "paid": euros(self.paid()),
                        }
                    )
                ]
            }
        from governance.dues.documents import call_facts

        return call_facts(self)

    @transition(
        field=state,
        source=CallState.DRAFT,
        target=CallState.CALLED,
        custom=step(
            label=_("Issue the call for dues"),
            done="called",
            roles={Role.PRESIDENT},
            document="dues_call",
        ),
    )
    def call(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=CallState.CALLED,
        target=CallState.PAID,
        conditions=[fully_paid],
        custom=step(
            label=_("Acknowledge full payment"),
            done="settled",
            roles=rules.PAYERS,
        ),
    )
    def settle(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=CallState.PAID,
        target=CallState.CALLED,
        conditions=[not_fully_paid],
        custom=step(
            label=_("Reopen the call after a correction"),
            done="reopened",
            roles=rules.PAYERS,
            automatic=True,  # by the correction of one of its payments, never by hand
        ),
    )
    def reopen(self, ctx: TransitionContext) -> None:
        pass


class DuesPayment(CorrectedEntry, models.Model):
    """A payment received against a call: written once, never edited nor deleted (the database
    refuses it); a mistake is corrected by a correcting entry, a row of negative amount that
    `reverses` the original and gives its `reason`."""

    call = models.ForeignKey(DuesCall, on_delete=models.PROTECT, related_name="payments")
    #: Negative for a correcting entry (it takes back part or all of the original).
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("received on"))
    reference = models.CharField(_("payment reference"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
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
        ordering = ["paid_on", "pk"]
        verbose_name = _("payment of dues")
        verbose_name_plural = _("payments of dues")
        constraints = [
            # A payment is positive; a correcting entry negative, with its original.
            models.CheckConstraint(
                condition=(models.Q(reverses__isnull=True, amount__gt=0))
                | models.Q(reverses__isnull=False, amount__lt=0),
                name="dues_payment_sign",
            )
        ]

    def __str__(self) -> str:
        return f"{self.call} — {euros(self.amount)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("a payment of dues is never modified")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("a payment of dues is never deleted")
