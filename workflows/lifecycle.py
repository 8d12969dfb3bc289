"""The base of every lifecycle model: a protected state, a transition counter, the ARML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin

from governance.organisations.models import Arml, Person


@dataclass(frozen=True)
class TransitionContext:
    """What a @transition method receives: who acts, for whom, with which comment and data."""

    actor: Person
    principal: Person
    comment: str
    data: dict[str, Any] = field(default_factory=dict)
    now: dt.datetime | None = None
    #: The second factor that confirmed a signing act (workflows.second_factor.Confirmed).
    second_factor: Any = None


class Lifecycle(ConcurrentTransitionMixin, models.Model):
    """Concrete lifecycles add `arml` (FK), a protected FSMField named `state`, their
    transitions (each with custom=step(...)) and `document_facts()`."""

    ledger_prefix: ClassVar[str]
    state_field_name: ClassVar[str] = "state"

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    if TYPE_CHECKING:
        # What every concrete lifecycle declares (see the class docstring), for the type checker.
        state: str
        arml: Arml
        arml_id: int
        objects: ClassVar[models.Manager[Any]]

        def get_absolute_url(self) -> str: ...

    class Meta:
        abstract = True

    def full_clean(
        self,
        exclude: Iterable[str] | None = None,
        validate_unique: bool = True,
        validate_constraints: bool = True,
    ) -> None:
        # clean_fields() re-assigns every field; the protected state may only move by transition.
        super().full_clean(
            exclude={*(exclude or ()), self.state_field_name},
            validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )

    # -- what documents and the ledger say about the object -------------------------------
    def reference(self) -> str:
        return f"{self.ledger_prefix}-{self.pk}"

    def ledger_label(self) -> str:
        return str(self)

    def state_label(self, state: str | None = None) -> str:
        field_ = self._meta.get_field(self.state_field_name)
        assert isinstance(field_, models.Field)
        value = state if state is not None else getattr(self, self.state_field_name)
        return str(dict(field_.flatchoices).get(value, value))

    def document_facts(self, name: str, ctx: TransitionContext) -> dict[str, Any]:
        """Facts the transition's document prints, beyond the common ones."""
        return {}

    def event_data(self, name: str) -> dict[str, Any]:
        """What every ledger event of the object carries beyond the transition's name and data,
        read once the object has moved: the content version of a versioned object
        (`content_version`), the canonical content of the minutes when a meeting closes."""
        return {}

    def clean_transition_data(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        """Validate the data a transition receives; raise ValidationError with field messages."""
        return {}

    def transition_inputs(self, name: str) -> list[dict[str, Any]]:
        """The inputs a transition's form shows for its data: [{name, label, type, choices}],
        type being text, textarea, date or select. Their values arrive in `data`."""
        return []

    def deliberation_required(self) -> tuple[str, Any] | None:
        """(transition name, Deliberated) of the transition leaving the current state that
        needs a deliberation, if any: what a meeting decides on when this object is on its
        agenda now."""
        from workflows.specs import specs_of

        for spec in specs_of(type(self)).values():
            if spec.deliberation is not None and self.state in spec.sources:
                return spec.name, spec.deliberation
        return None

    def deliberation_fingerprint(self) -> str:
        """The exact version a deliberation taken now decides on ("" if none is required)."""
        found = self.deliberation_required()
        return found[1].fingerprint_of(self) if found else ""

    def beneficiary_ids(self) -> list[int]:
        """Missions Locales that benefit from the object (conflict-of-interest rule)."""
        return []
