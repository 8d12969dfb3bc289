"""Regulated agreements (conventions réglementées) and their yearly register.

An agreement between the ARML and an entity one of its administrators presides or directs is
entered in the register of its financial year: automatically when the application knows both
mandates (a lifecycle declares which transition concludes an agreement and with whom:
`agreement_on`, `agreement_counterparties`), by hand otherwise. The register is a lifecycle: it
is offered on the general assembly's agenda (`Deliberated`), its entries are printed in the
convocation pack (`agenda_pack`), the statutory auditor reports on it, and the assembly rules
on that report.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.organisations.models import Arml, BodyKind, MissionLocale, Person, Role
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Deliberated, condition, step


class RegisterState(models.TextChoices):
    OPEN = "open", _("Open")
    REPORTED = "reported", _("Reported on by the statutory auditor")
    APPROVED = "approved", _("Ruled on by the general assembly")


@condition(
    _("The statutory auditor must first report on the register."), code="auditor_report_missing"
)
def auditor_reported(register: AgreementRegister) -> bool:
    return register.state == RegisterState.REPORTED


#: The general assembly rules on the auditor's special report on these agreements.
GA_RULES = Deliberated(
    bodies=frozenset({BodyKind.AG}),
    fingerprint=lambda register: register.compute_hash(),
    applies=lambda register: register.entries.exists(),
    subject=_("Statutory auditor's special report on the regulated agreements"),
    message=_(
        "The general assembly must first rule, by a final deliberation, on the statutory "
        "auditor's report on this register as it stands."
    ),
)


class AgreementRegister(Lifecycle):
    ledger_prefix = "agreement_register"

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="agreement_registers")
    year = models.PositiveSmallIntegerField(_("financial year"))
    state = FSMField(
        _("state"), default=RegisterState.OPEN, choices=RegisterState.choices, protected=True
    )

    class Meta:
        ordering = ["-year", "arml"]
        verbose_name = _("register of regulated agreements")
        verbose_name_plural = _("registers of regulated agreements")
        constraints = [
            models.UniqueConstraint(fields=["arml", "year"], name="unique_agreement_register")
        ]

    def __str__(self) -> str:
        return str(
            _("Regulated agreements %(year)s — %(arml)s") % {"year": self.year, "arml": self.arml}
        )

    def get_absolute_url(self) -> str:
        return reverse("governance:regulated_agreement_register", args=[self.pk])

    def reference(self) -> str:
        return f"CR-{self.year}" + (f"-{self.pk:03d}" if self.pk else "")

    def canonical(self) -> dict[str, Any]:
        return {
            "arml": self.arml_id,
            "year": self.year,
            "entries": [e.canonical() for e in self.entries.order_by("pk")],
        }

    def compute_hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def agenda_pack(self) -> list[str]:
        """What the convocation of the assembly carries about this register (its pack)."""
        lines = [
            str(
                _(
                    "Regulated agreements of the financial year %(year)s, on which the statutory "
                    "auditor reports (register %(ref)s):"
                )
                % {"year": self.year, "ref": self.reference()}
            )
        ]
        lines += [f"– {entry.sentence()}" for entry in self.entries.order_by("concluded_on", "pk")]
        return lines

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        return {
            "body": [
                *self.agenda_pack(),
                str(_("Fingerprint: %(fp)s") % {"fp": self.compute_hash()}),
            ]
        }

    @transition(
        field=state,
        source=RegisterState.OPEN,
        target=RegisterState.REPORTED,
        custom=step(
            label=_("Record the statutory auditor's special report"),
            done="reported",
            roles={Role.AUDITOR},
            comment_required=True,
        ),
    )
    def report(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=[RegisterState.OPEN, RegisterState.REPORTED],
        target=RegisterState.APPROVED,
        conditions=[auditor_reported],
        custom=step(
            label=_("Record the general assembly's ruling on the report"),
            done="approved",
            roles={Role.PRESIDENT},
            deliberation=GA_RULES,
        ),
    )
    def approve(self, ctx: TransitionContext) -> None:
        pass


class Origin(models.TextChoices):
    AUTOMATIC = "automatic", _("Flagged by the application")
    DECLARED = "declared", _("Declared")


class RegulatedAgreement(models.Model):
    """One entry of the register: written once, never changed."""

    register = models.ForeignKey(
        AgreementRegister, on_delete=models.PROTECT, related_name="entries"
    )
    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="+")
    counterparty = models.CharField(_("counterparty"), max_length=200)
    counterparty_ml = models.ForeignKey(
        MissionLocale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counterparty Mission Locale"),
    )
    administrator = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administrator concerned"),
    )
    administrator_name = models.CharField(_("administrator concerned"), max_length=200)
    capacity = models.CharField(_("capacity at the counterparty"), max_length=200)
    subject = models.CharField(_("subject"), max_length=300)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    concluded_on = models.DateField(_("concluded on"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    source_label = models.CharField(_("agreement"), max_length=255, blank=True)
    declared_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["concluded_on", "pk"]
        verbose_name = _("regulated agreement")
        verbose_name_plural = _("regulated agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "counterparty_ml", "administrator"],
                condition=models.Q(origin="automatic"),
                name="unique_flagged_agreement",
            )
        ]

    def __str__(self) -> str:
        return self.sentence()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("an entry of the register is never modified")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("an entry of the register is never deleted")

    def canonical(self) -> dict[str, Any]:
        return {
            "counterparty": self.counterparty,
            "administrator": self.administrator_name,
            "capacity": self.capacity,
            "subject": self.subject,
            "amount": str(self.amount) if self.amount is not None else None,
            "concluded_on": self.concluded_on.isoformat(),
            "origin": self.origin,
        }

    def sentence(self) -> str:
        amount = (
            f", {number_format(self.amount, 2, force_grouping=True)} €"
            if self.amount is not None
            else ""
        )
        return str(
            _(
                "%(date)s — %(counterparty)s: %(subject)s%(amount)s; administrator concerned: "
                "%(who)s (%(capacity)s)."
            )
            % {
                "date": self.concluded_on.strftime("%d/%m/%Y"),
                "counterparty": self.counterparty,
                "subject": self.subject,
                "amount": amount,
                "who": self.administrator_name,
                "capacity": self.capacity,
            }
        )


def amount_of(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
