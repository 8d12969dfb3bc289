"""What a lifecycle declares about each transition, read from django-fsm's `custom=` dict.

A lifecycle model declares its transitions with @transition(..., custom=step(...)); the engine,
the authorisation, the pages, the API and the inbox all read the same TransitionSpec, so a
lifecycle differs from another only in its states, rules and documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from permissions.rules import Rule

if TYPE_CHECKING:
    from workflows.lifecycle import Lifecycle


@dataclass(frozen=True)
class Slot:
    """One signature field of a transition's document: who is expected to sign it."""

    field: str
    role: str
    label: str | Promise


@dataclass(frozen=True)
class Deliberated:
    """A transition that needs a final, adopted deliberation of one of `bodies`, deciding on the
    object in the exact version `fingerprint` names.

    Declared once, on the transition: the engine's condition, the reason pages and the API show,
    and the subjects a meeting's agenda offers are all derived from this declaration, so that an
    object the law makes the bodies decide on can always be put on an agenda.
    """

    #: Body kinds whose deliberation counts (BodyKind values), or a function of the object
    #: when the ARML decides (the action-plan threshold is met by a bureau or a board).
    bodies: frozenset[str] | Callable[[Any], Iterable[str]]
    #: The exact version decided on; None: any deliberation on the object.
    fingerprint: Callable[[Any], str] | None = None
    #: The requirement holds only when this is true of the object (above a threshold…).
    applies: Callable[[Any], bool] | None = None
    #: The requirement holds only for principals acting in one of these roles (empty: always):
    #: the ARML terminates on a deliberation, a funder by its own decision.
    roles: frozenset[str] = frozenset()
    #: What the agenda item decides, as offered on the meeting page ("Adoption", "Résiliation").
    subject: str | Promise = ""
    message: str | Promise = ""

    def body_kinds(self, obj: Any) -> frozenset[str]:
        return frozenset(self.bodies(obj) if callable(self.bodies) else self.bodies)

    def fingerprint_of(self, obj: Any) -> str:
        return self.fingerprint(obj) if self.fingerprint is not None else ""

    def holds_for(self, obj: Any, roles: Iterable[str] | None = None) -> bool:
        """Whether the requirement applies to this object and (when known) these roles."""
        if self.applies is not None and not self.applies(obj):
            return False
        return not (self.roles and roles is not None and not self.roles & set(roles))


#: Finds a final adopted deliberation: (obj, body kinds, fingerprint or None) → bool. The
#: meetings room registers it (workflows never imports a lifecycle; see docs/architecture.md).
_deliberation_finder: Callable[[Any, frozenset[str], str | None], bool] | None = None


def register_deliberation_finder(
    finder: Callable[[Any, frozenset[str], str | None], bool],
) -> None:
    global _deliberation_finder
    _deliberation_finder = finder


def deliberation_unmet(obj: Any, spec: TransitionSpec, roles: Iterable[str] | None) -> str:
    """The sentence saying which deliberation is missing, or "" when none is (or none needed)."""
    required = spec.deliberation
    if required is None or not required.holds_for(obj, roles):
        return ""
    if _deliberation_finder is None:
        raise RuntimeError("no deliberation finder registered (governance app not ready?)")
    fingerprint = required.fingerprint_of(obj) if required.fingerprint else None
    if fingerprint == "" or not _deliberation_finder(obj, required.body_kinds(obj), fingerprint):
        return str(required.message) or str(
            _("A final, adopted deliberation of the competent body on this version is required.")
        )
    return ""


@dataclass(frozen=True)
class Attached:
    """A transition that needs a piece of evidence of `kind` attached to the object (and not
    superseded): the Region's commission-permanente deliberation, the arrêté of a delegation of
    signature, the approved accounts of a financial report.

    Declared on the transition; the engine refuses it (`attachment_required`, 409) until the
    object holds such an attachment, and the pages and the API say why.
    """

    #: The kind of evidence (workflows.attachments.KINDS).
    kind: str
    #: The requirement holds only when this is true of the object (the ARML's rules…).
    applies: Callable[[Any], bool] | None = None
    #: Only for principals acting in one of these roles (empty: always).
    roles: frozenset[str] = frozenset()
    #: Only when the step is performed by delegation (the arrêté the delegate signs under).
    delegated: bool = False
    message: str | Promise = ""

    def holds_for(
        self, obj: Any, roles: Iterable[str] | None = None, delegated: bool | None = None
    ) -> bool:
        if self.applies is not None and not self.applies(obj):
            return False
        if self.delegated and not delegated:
            return False
        return not (self.roles and roles is not None and not self.roles & set(roles))


def attachment_unmet(
    obj: Any, spec: TransitionSpec, roles: Iterable[str] | None, delegated: bool | None = None
) -> str:
    """The sentence saying which attachment is missing, or "" (workflows/attachments.py)."""
    from workflows.attachments import has_current, kind_label

    for required in spec.attachments:
        if required.holds_for(obj, roles, delegated) and not has_current(obj, required.kind):
            return str(required.message) or str(
                _("Attach first: %(kind)s.") % {"kind": kind_label(required.kind)}
            )
    return ""


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
    deliberation: Deliberated | None = None
    #: A signature under the signer's sole control even without declared slots (a certified
    #: extract): the engine asks for a second factor, as for every signer or countersign slot.
    sole_control: bool = False
    attachments: tuple[Attached, ...] = ()

    @property
    def needs_second_factor(self) -> bool:
        """Whether the act signs in a person's name as a declared signer: signer slots, a
        countersignature, or `sole_control` (workflows/second_factor.py)."""
        return bool(self.signers or self.countersign or self.sole_control)

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
    deliberation: Deliberated | None = None,
    sole_control: bool = False,
    attachments: Sequence[Attached] = (),
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
        "deliberation": deliberation,
        "sole_control": sole_control,
        "attachments": tuple(attachments),
    }


def condition(
    message: str | Promise | Callable[[Any], str],
    *,
    code: str = "",
) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Mark a django-fsm condition with the sentence shown when it is not met (or a function
    of the object that writes it, to give dates and amounts), and the stable code of that
    refusal (default: the engine's "conditions_unmet")."""

    def mark(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
        func.message = message  # type: ignore[attr-defined]
        func.code = code  # type: ignore[attr-defined]
        return func

    return mark


def unmet_conditions(obj: Any, spec: TransitionSpec) -> list[tuple[str, str]]:
    """(code, sentence) of each django-fsm condition `obj` does not meet for `spec`."""
    unmet = []
    for cond in spec.conditions:
        if not cond(obj):
            message = getattr(cond, "message", None) or cond.__doc__ or cond.__name__
            if callable(message) and not isinstance(message, Promise):
                message = message(obj)
            unmet.append((getattr(cond, "code", ""), str(message)))
    return unmet


def condition_messages(obj: Any, spec: TransitionSpec) -> list[str]:
    """The sentences of the django-fsm conditions `obj` does not meet for `spec`."""
    return [message for _code, message in unmet_conditions(obj, spec)]


def unmet_messages(
    obj: Any,
    spec: TransitionSpec,
    roles: Iterable[str] | None = None,
    delegated: bool | None = None,
) -> list[str]:
    """Everything `obj` lacks for `spec`: its conditions, then the deliberation and the
    attachments it declares (for a principal acting in `roles`; with None, whatever the
    roles)."""
    messages = condition_messages(obj, spec)
    missing = deliberation_unmet(obj, spec, roles)
    if missing:
        messages.append(missing)
    lacking = attachment_unmet(obj, spec, roles, delegated)
    if lacking:
        messages.append(lacking)
    return messages


#: specs_of's memo: the declarations are read once per model (a dict rather than functools.cache,
#: whose typing refuses type[Any] as a key).
_SPECS: dict[type, dict[str, TransitionSpec]] = {}


def specs_of(model: type[Lifecycle]) -> dict[str, TransitionSpec]:
    """Every transition of a lifecycle model, by name (sources merged)."""
    if model not in _SPECS:
        _SPECS[model] = _read_specs(model)
    return _SPECS[model]


def _read_specs(model: type[Lifecycle]) -> dict[str, TransitionSpec]:
    state_field: Any = model._meta.get_field(model.state_field_name)  # django_fsm's FSMField
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
