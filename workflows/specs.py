"""What a lifecycle declares about each transition, read from django-fsm's `custom=` dict.

A lifecycle model declares its transitions with @transition(..., custom=step(...)); the engine,
the authorisation, the pages, the API and the inbox all read the same TransitionSpec, so a
lifecycle differs from another only in its states, rules and documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.functional import Promise

from permissions.rules import Rule


@dataclass(frozen=True)
class Slot:
    """One signature field of a transition's document: who is expected to sign it."""

    field: str
    role: str
    label: str | Promise


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str | Promise
    done: str  # the event verb: "approved" → "action_plan.approved"
    roles: frozenset[str]
    rules: tuple[Rule, ...] = ()
    document: str = "act"
    comment_required: bool = False
    data_fields: tuple[str, ...] = ()
    style: str = "primary"  # the button's Bootstrap style: primary, danger, secondary
    signers: tuple[Slot, ...] = ()  # empty: only the actor signs
    circuit: bool = False  # True: performed only through a workflow task
    countersign: str = ""  # a document kind: sign its current version instead of issuing one
    automatic: bool = False  # run by the circuit itself once its condition holds (Join → step)
    sources: frozenset[str] = field(default_factory=frozenset)
    target: str = ""
    conditions: tuple[Callable[[Any], bool], ...] = ()
    model_prefix: str = ""

    @property
    def action_name(self) -> str:
        """The name a delegation uses: "action_plan.approve"."""
        return f"{self.model_prefix}.{self.name}"

    @property
    def event_action(self) -> str:
        return f"{self.model_prefix}.{self.done}"


def step(
    *,
    label: str | Promise,
    done: str,
    roles: Iterable[str],
    rules: Sequence[Rule] = (),
    document: str = "act",
    comment_required: bool = False,
    data_fields: Sequence[str] = (),
    style: str = "primary",
    signers: Sequence[Slot] = (),
    circuit: bool = False,
    countersign: str = "",
    automatic: bool = False,
) -> dict[str, Any]:
    """The `custom=` dict of a transition (kept a dict: that is what django-fsm stores)."""
    return {
        "label": label,
        "done": done,
        "roles": frozenset(roles),
        "rules": tuple(rules),
        "document": document,
        "comment_required": comment_required,
        "data_fields": tuple(data_fields),
        "style": style,
        "signers": tuple(signers),
        "circuit": circuit,
        "countersign": countersign,
        "automatic": automatic,
    }


def condition(
    message: str | Promise | Callable[[Any], str],
) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Mark a django-fsm condition with the sentence shown when it is not met (or a function
    of the object that writes it, to give dates and amounts)."""

    def mark(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
        func.message = message  # type: ignore[attr-defined]
        return func

    return mark


def unmet_messages(obj: Any, spec: TransitionSpec) -> list[str]:
    messages = []
    for cond in spec.conditions:
        if not cond(obj):
            message = getattr(cond, "message", None) or cond.__doc__ or cond.__name__
            if callable(message) and not isinstance(message, Promise):
                message = message(obj)
            messages.append(str(message))
    return messages


@cache
def specs_of(model: type) -> dict[str, TransitionSpec]:
    """Every transition of a lifecycle model, by name (sources merged)."""
    state_field = model._meta.get_field(model.state_field_name)
    merged: dict[str, TransitionSpec] = {}
    for t in state_field.get_all_transitions(model):
        custom = t.custom
        if not custom:
            raise TypeError(f"{model.__name__}.{t.name} has no step(...) description")
        previous = merged.get(t.name)
        sources = {t.source} | (set(previous.sources) if previous else set())
        merged[t.name] = TransitionSpec(
            name=t.name,
            sources=frozenset(sources),
            target=t.target,
            conditions=tuple(t.conditions or ()),
            model_prefix=model.ledger_prefix,
            **custom,
        )
    return merged


def spec_for(obj: Any, name: str) -> TransitionSpec:
    try:
        return specs_of(type(obj))[name]
    except KeyError:
        raise UnknownTransition(name) from None


class UnknownTransition(LookupError):
    pass
