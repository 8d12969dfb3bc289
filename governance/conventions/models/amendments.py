"""Amendments (avenants) to a convention in force: new funding lines for one year."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.conventions.models.circuit_steps import countersigned_steps
from governance.conventions.models.conventions import Convention, FunderAmount
from governance.organisations.models import Arml, BodyKind, Role
from permissions.rules import is_a_party_officer
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Deliberated, condition, step


class AmendmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted by the board")
    AWAITING_COUNTERSIGNATURES = "awaiting_countersignatures", _("Awaiting countersignatures")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")


#: The board adopts the amendment in this exact content (its funding lines).
ADOPTION = Deliberated(
    bodies=frozenset({BodyKind.CA}),
    fingerprint=lambda amendment: amendment.content_hash(),
    subject=_("Adoption"),
    message=_("The board must first adopt this amendment by a final deliberation."),
)


@condition(_("The amendment needs at least one funding line."))
def has_lines(amendment: Amendment) -> bool:
    return amendment.lines.exists()


class Amendment(
    countersigned_steps(kind="amendment", sign_label=_("Sign the amendment")), Lifecycle
):
    ledger_prefix = "amendment"
    circuit_after = "adopt"

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="amendments")
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("number"))
    year = models.PositiveSmallIntegerField(_("year amended"))
    changes = models.TextField(_("changes"), blank=True)
    state = FSMField(
        _("state"), default=AmendmentState.DRAFT, choices=AmendmentState.choices, protected=True
    )

    class Meta:
        ordering = ["convention", "number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="unique_amendment_number")
        ]

    def __str__(self) -> str:
        return str(_("Amendment no. %(n)s to %(ref)s (%(year)s)")) % {
            "n": self.number,
            "ref": self.convention.reference(),
            "year": self.year,
        }

    def get_absolute_url(self) -> str:
        return reverse("governance:amendment_detail", args=[self.pk])

    def reference(self) -> str:
        return f"{self.convention.reference()}-AV{self.number}"

    def party_funder_ids(self) -> list[int]:
        return self.convention.party_funder_ids()

    def content_hash(self) -> str:
        lines = sorted(
            [line.funder_id, line.function, str(line.amount)] for line in self.lines.all()
        )
        text = json.dumps(
            {
                "convention": self.convention_id,
                "number": self.number,
                "year": self.year,
                "changes": self.changes,
                "lines": lines,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        content = self.convention.content
        return {
            "convention_reference": self.convention.reference(),
            "number": self.number,
            "parties": [
                {"name": str(f), "description": f.get_kind_display()} for f in content.parties.all()
            ]
            if content
            else [],
            "changes": [
                {"title": str(_("Funding for %(year)s")) % {"year": self.year}, "text": text}
                for text in [self.changes.strip()]
                if text
            ],
            "funding": [
                {
                    "year": self.year,
                    "funder": str(line.funder),
                    "function": line.function,
                    "amount": str(line.amount),
                }
                for line in self.lines.select_related("funder").order_by("funder", "function")
            ],
            "content_sha256": self.content_hash(),
        }

    @transition(
        field=state,
        source=AmendmentState.DRAFT,
        target=AmendmentState.ADOPTED,
        conditions=[has_lines],
        custom=step(
            label=_("Adopt"), done="adopted", roles={Role.PRESIDENT}, deliberation=ADOPTION
        ),
    )
    def adopt(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=AmendmentState.AWAITING_COUNTERSIGNATURES,
        target=AmendmentState.SUPERSEDED,
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
        from governance.conventions.services import supersede_current_document

        supersede_current_document(self, "amendment", reason=ctx.comment)


class AmendmentLine(FunderAmount):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="lines")

    class Meta(FunderAmount.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["amendment", "funder", "function"], name="unique_amendment_line"
            )
        ]
