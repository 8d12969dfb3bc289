"""Amendments (avenants) to a convention in force: new funding lines for one year.

An amendment's content (the statement of its changes, its funding lines) lives in append-only
AmendmentVersion rows (workflows.versions). A refused amendment is not replaced by another: it
goes back to draft as the next version of the same amendment (n°2 v2), its signed PDF
superseded, and the board adopts that new version before the circuit starts again (issue 11.9).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.conventions.models.circuit_steps import countersigned_steps
from governance.conventions.models.conventions import Convention, FunderAmount
from governance.organisations import limits
from governance.organisations.limits import BoundedTextField
from governance.organisations.models import Arml, BodyKind, Role
from permissions.rules import is_a_party_officer
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Deliberated, condition, step
from workflows.versions import Line, Origin, VersionedContent, latest


class AmendmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted by the board")
    AWAITING_COUNTERSIGNATURES = "awaiting_countersignatures", _("Awaiting countersignatures")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")


#: The board adopts the amendment in this exact version (its hash covers its number).
ADOPTION = Deliberated(
    bodies=frozenset({BodyKind.CA}),
    fingerprint=lambda amendment: amendment.content_hash(),
    subject=_("Adoption"),
    message=_("The board must first adopt this amendment by a final deliberation."),
)


@condition(_("The amendment needs at least one funding line."))
def has_lines(amendment: Amendment) -> bool:
    return amendment.lines.exists()


#: Pending, after at least one refusal: the year is "avenant en renégociation".
PENDING = frozenset({"draft", "adopted", "awaiting_countersignatures"})


class Amendment(
    countersigned_steps(kind="amendment", sign_label=_("Sign the amendment")), Lifecycle
):
    ledger_prefix = "amendment"
    circuit_after = "adopt"

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="amendments")
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("number"))
    year = models.PositiveSmallIntegerField(_("year amended"))
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

    def ledger_label(self) -> str:
        content = self.content
        return f"{self} — {content.label}" if content else str(self)

    @property
    def content(self) -> AmendmentVersion | None:
        """The latest version (from a prefetch of `versions` when there is one)."""
        if "_content" not in self.__dict__:
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("versions")
            if prefetched is not None:
                self._content = latest(prefetched)
            else:
                self._content = self.versions.order_by("-n").first() if self.pk else None
        return self._content

    @property
    def lines(self) -> models.QuerySet[AmendmentLine]:
        content = self.content
        return content.lines.all() if content else AmendmentLine.objects.none()

    @property
    def changes(self) -> str:
        content = self.content
        return content.changes if content else ""

    @property
    def refused_version(self) -> int | None:
        """The version refused last, if the amendment is being renegotiated."""
        reopened = [v.n for v in self.versions.all() if v.origin == Origin.REOPENED]
        return max(reopened) - 1 if reopened else None

    @property
    def in_renegotiation(self) -> bool:
        return self.state in PENDING and self.refused_version is not None

    def event_data(self, name: str) -> dict[str, Any]:
        content = self.content
        if content is None:
            return {}
        data: dict[str, Any] = {"content_version": content.n, "content_sha256": content.sha256}
        if name == "refuse":
            data["refused_version"] = content.n - 1
        return data

    def get_absolute_url(self) -> str:
        return reverse("governance:amendment_detail", args=[self.pk])

    def reference(self) -> str:
        return f"{self.convention.reference()}-AV{self.number}"

    def party_funder_ids(self) -> list[int]:
        return self.convention.party_funder_ids()

    def content_hash(self) -> str:
        """The hash of the current version (what the board adopts and every party signs)."""
        content = self.content
        return content.sha256 if content else ""

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        from governance.conventions.documents import amendment_facts

        return amendment_facts(self, name)

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
        target=AmendmentState.DRAFT,
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
        from governance.conventions.services import amendment_reopen

        amendment_reopen(amendment=self, actor=ctx.actor, reason=ctx.comment)

    @transition(
        field=state,
        source=AmendmentState.DRAFT,
        target=AmendmentState.SUPERSEDED,
        custom=step(
            label=_("Withdraw the amendment"),
            done="withdrawn",
            roles={Role.PRESIDENT, Role.ARML_DIRECTOR},
            comment_required=True,
            style="danger",
        ),
    )
    def withdraw(self, ctx: TransitionContext) -> None:
        pass


class AmendmentVersion(VersionedContent):
    """One saved state of an amendment's content (workflows.versions): append-only, numbered."""

    owner_field = "amendment"

    amendment = models.ForeignKey(Amendment, on_delete=models.PROTECT, related_name="versions")
    changes = BoundedTextField(_("changes"), blank=True, max_length=limits.TEXT)

    class Meta:
        ordering = ["amendment", "n"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "n"], name="unique_amendment_version")
        ]

    def __str__(self) -> str:
        return f"{self.amendment} ({self.label})"

    def content_canonical(self) -> dict[str, Any]:
        amendment = self.amendment
        return {
            "convention": amendment.convention_id,
            "number": amendment.number,
            "year": amendment.year,
            "changes": self.changes,
            "lines": sorted(
                [line.funder_id, line.function, str(line.amount)] for line in self.lines.all()
            ),
        }

    def diff_lines(self) -> list[Line]:
        from governance.conventions import rules

        year = self.amendment.year
        return [
            *rules.changes_line(self.changes),
            *rules.funding_lines(
                (year, li.funder_id, str(li.funder), li.function, li.amount)
                for li in self.lines.select_related("funder")
            ),
        ]


class AmendmentLine(FunderAmount):
    version = models.ForeignKey(AmendmentVersion, on_delete=models.CASCADE, related_name="lines")

    class Meta(FunderAmount.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["version", "funder", "function"], name="unique_amendment_line"
            )
        ]
