"""The yearly management dialogue (dialogue de gestion) (docs/domain.md § Lifecycles)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.conventions.models import Convention, FunderAmount
from governance.organisations import limits
from governance.organisations.limits import BoundedTextField
from governance.organisations.models import Arml, Indicator, Role
from permissions.rules import is_a_party_officer
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import Slot, condition, step


class DialogueState(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    FILE_TRANSMITTED = "file_transmitted", _("File transmitted")
    MEETING_HELD = "meeting_held", _("Meeting held")
    CONCLUSIONS_PROPOSED = "conclusions_proposed", _("Conclusions proposed")
    CONCLUDED = "concluded", _("Concluded")


ACCEPTORS = (
    Slot("president", Role.PRESIDENT, _("For the ARML, its president")),
    Slot("state", Role.STATE_OFFICER, _("For the State")),
    Slot("region", Role.REGION_OFFICER, _("For the Region")),
)


@condition(_("Set the date of the dialogue meeting before transmitting the file."))
def meeting_date_set(dialogue: ManagementDialogue) -> bool:
    return dialogue.meeting_date is not None


def _late_file_message(dialogue: ManagementDialogue) -> str:
    return gettext(
        "Too late: the file was due on %(deadline)s, %(days)s days before the meeting of "
        "%(meeting)s (today is %(today)s)."
    ) % {
        "deadline": dialogue.file_deadline.strftime("%d/%m/%Y"),
        "days": dialogue.file_due_days,
        "meeting": dialogue.meeting_date.strftime("%d/%m/%Y"),
        "today": timezone.localdate().strftime("%d/%m/%Y"),
    }


@condition(_late_file_message)
def file_on_time(dialogue: ManagementDialogue) -> bool:
    return dialogue.meeting_date is None or timezone.localdate() <= dialogue.file_deadline


@condition(_("The conclusions need at least one funding line."))
def has_conclusions(dialogue: ManagementDialogue) -> bool:
    return dialogue.lines.exists()


@condition(_("The ARML president, the State and the Region must all have accepted."))
def all_accepted(dialogue: ManagementDialogue) -> bool:
    from workflows.documents import current_document, open_slot

    document = current_document(dialogue, "conclusions")
    return document is not None and open_slot(document, frozenset(Role.values)) is None


class ManagementDialogue(Lifecycle):
    ledger_prefix = "dialogue"
    circuit_flow = "acceptance"
    circuit_after = "propose_conclusions"
    # What party_funder_ids() reads, so that the inbox's rules do not query per dialogue.
    inbox_prefetch = ("convention__versions__parties", "arml__region__funders")

    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="dialogues")
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="dialogues", null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("year negotiated"))
    meeting_date = models.DateField(_("date of the dialogue meeting"), null=True, blank=True)
    file_due_days = models.PositiveSmallIntegerField(
        _("file due (days before the meeting)"), default=15
    )
    financial_report = BoundedTextField(_("financial report"), blank=True, max_length=limits.REPORT)
    actions_report = BoundedTextField(
        _("actions carried out"), blank=True, max_length=limits.REPORT
    )
    held_on = models.DateField(_("meeting held on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = BoundedTextField(_("participants"), blank=True, max_length=limits.TEXT)
    objectives = BoundedTextField(_("objectives concluded"), blank=True, max_length=limits.TEXT)
    amendment = models.ForeignKey(
        "governance.Amendment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = FSMField(
        _("state"), default=DialogueState.PREPARATION, choices=DialogueState.choices, protected=True
    )

    class Meta:
        ordering = ["-year", "arml"]
        verbose_name = _("management dialogue")
        verbose_name_plural = _("management dialogues")
        constraints = [
            models.UniqueConstraint(fields=["arml", "year"], name="unique_dialogue_per_year")
        ]

    def __str__(self) -> str:
        return str(_("Management dialogue %(year)s — %(arml)s")) % {
            "year": self.year,
            "arml": self.arml,
        }

    def get_absolute_url(self) -> str:
        return reverse("governance:dialogue_detail", args=[self.pk])

    def reference(self) -> str:
        return f"DG-{self.year}-{self.arml.region.code}"

    @property
    def file_deadline(self) -> dt.date | None:
        if self.meeting_date is None:
            return None
        return self.meeting_date - dt.timedelta(days=self.file_due_days)

    def party_funder_ids(self) -> list[int]:
        if self.convention_id:
            return self.convention.party_funder_ids()
        return [funder.pk for funder in self.arml.region.funders.all()]

    def conclusions_hash(self) -> str:
        lines = sorted([li.funder_id, li.function, str(li.amount)] for li in self.lines.all())
        targets = sorted(
            [t.indicator.code, str(t.target)] for t in self.targets.select_related("indicator")
        )
        text = json.dumps(
            {"objectives": self.objectives, "lines": lines, "targets": targets},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def transition_inputs(self, name: str) -> list[dict[str, Any]]:
        if name != "record_meeting":
            return []
        return [
            {"name": "held_on", "label": _("Held on"), "type": "date"},
            {"name": "place", "label": _("Place"), "type": "text"},
            {"name": "participants", "label": _("Participants"), "type": "textarea"},
        ]

    def clean_transition_data(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        if name != "record_meeting":
            return {}
        errors = {}
        try:
            held_on = dt.date.fromisoformat(str(data.get("held_on", "")))
        except ValueError:
            errors["held_on"] = _("Give the date of the meeting (YYYY-MM-DD).")
            held_on = None
        if held_on and held_on > timezone.localdate():
            errors["held_on"] = _("A meeting cannot be recorded before it is held.")
        if not str(data.get("participants", "")).strip():
            errors["participants"] = _("List the participants.")
        if errors:
            raise ValidationError(errors)
        return {
            "held_on": held_on.isoformat(),
            "place": str(data.get("place", "")).strip(),
            "participants": str(data["participants"]).strip(),
        }

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        from governance.dialogues.documents import dialogue_facts

        return dialogue_facts(self, name)

    # -- transitions ----------------------------------------------------------------------
    @transition(
        field=state,
        source=DialogueState.PREPARATION,
        target=DialogueState.FILE_TRANSMITTED,
        conditions=[meeting_date_set, file_on_time],
        custom=step(
            label=_("Transmit the dialogue file"),
            done="file_transmitted",
            roles={Role.ARML_DIRECTOR},
            document="dialogue_file",
        ),
    )
    def transmit_file(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=DialogueState.FILE_TRANSMITTED,
        target=DialogueState.MEETING_HELD,
        custom=step(
            label=_("Record the meeting"),
            done="meeting_recorded",
            roles={Role.STATE_OFFICER},
            rules=[is_a_party_officer],
            data_fields=["held_on", "place", "participants"],
        ),
    )
    def record_meeting(self, ctx: TransitionContext) -> None:
        self.held_on = dt.date.fromisoformat(ctx.data["held_on"])
        self.place = ctx.data["place"]
        self.participants = ctx.data["participants"]

    @transition(
        field=state,
        source=DialogueState.MEETING_HELD,
        target=DialogueState.CONCLUSIONS_PROPOSED,
        conditions=[has_conclusions],
        custom=step(
            label=_("Propose the conclusions"),
            done="conclusions_proposed",
            roles={Role.STATE_OFFICER},
            rules=[is_a_party_officer],
        ),
    )
    def propose_conclusions(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=DialogueState.CONCLUSIONS_PROPOSED,
        target=DialogueState.CONCLUSIONS_PROPOSED,
        custom=step(
            label=_("Accept the conclusions"),
            done="conclusions_accepted",
            roles={Role.PRESIDENT, Role.STATE_OFFICER, Role.REGION_OFFICER},
            rules=[is_a_party_officer],
            signers=ACCEPTORS,
            countersign="conclusions",
            circuit=True,
        ),
    )
    def accept(self, ctx: TransitionContext) -> None:
        pass

    @transition(
        field=state,
        source=DialogueState.CONCLUSIONS_PROPOSED,
        target=DialogueState.CONCLUDED,
        conditions=[all_accepted],
        custom=step(
            label=_("Conclude"),
            done="concluded",
            roles={Role.PRESIDENT, Role.STATE_OFFICER, Role.REGION_OFFICER},
            circuit=True,
            automatic=True,
        ),
    )
    def conclude(self, ctx: TransitionContext) -> None:
        from governance.dialogues.services import open_amendment_draft

        open_amendment_draft(self, actor=ctx.actor)

    @transition(
        field=state,
        source=DialogueState.CONCLUSIONS_PROPOSED,
        target=DialogueState.MEETING_HELD,
        custom=step(
            label=_("Contest the conclusions"),
            done="contested",
            roles={Role.PRESIDENT},
            comment_required=True,
            style="danger",
            circuit=True,
        ),
    )
    def contest(self, ctx: TransitionContext) -> None:
        from governance.conventions.services import supersede_current_document

        supersede_current_document(self, "conclusions", reason=ctx.comment)


class DialogueLine(FunderAmount):
    """Funding proposed for next year, by funder and function."""

    dialogue = models.ForeignKey(ManagementDialogue, on_delete=models.CASCADE, related_name="lines")

    class Meta(FunderAmount.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "funder", "function"], name="unique_dialogue_line"
            )
        ]


class DialogueTarget(models.Model):
    dialogue = models.ForeignKey(
        ManagementDialogue, on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["indicator"]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "indicator"], name="unique_dialogue_target")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.target}"


class Measurement(models.Model):
    arml = models.ForeignKey(Arml, on_delete=models.PROTECT, related_name="measurements")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, default="manual")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["arml", "indicator", "year"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["arml", "indicator", "year"], name="unique_measurement")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"
