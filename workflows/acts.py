"""Acts outside transitions (a meeting planned, attendance recorded, a draft saved…): the one
way services authorise them and write them to the ledger. Transitions go through the engine.

- `require()` authorises an act declared with `permissions.authorization.act()` (own roles or a
  delegation, the same rules and refusal codes as transitions) and refuses with
  `errors.Forbidden` carrying the rule's code;
- `record()` ledgers the act inside the caller's transaction;
- `refusals_ledgered` wraps a service so that a refused act (a rule, a role, a state, invalid
  data) is ledgered too, with its code and sentence, after the service's transaction has rolled
  back — as the engine does for refused transitions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError

from audit.services import append, append_refusal
from permissions.authorization import Act, Principal, Refused, authorize_act
from permissions.selectors import roles_in
from workflows import errors

F = TypeVar("F", bound=Callable[..., Any])


def require(actor: Any, obj: Any, declared: Act, *, arml_id: int | None = None) -> Principal:
    """The principal `actor` does `declared` for, or errors.Forbidden with the rule's code."""
    try:
        return authorize_act(actor, obj, declared, arml_id=arml_id)
    except Refused as exc:
        raise errors.Forbidden(exc.reason, code=exc.code) from None


def prefix_of(obj: Any) -> str:
    """The ledger's name for the object's kind: a lifecycle's `ledger_prefix`, else the model's."""
    return getattr(obj, "ledger_prefix", "") or obj._meta.model_name


def _arml_of(obj: Any) -> Any:
    if obj._meta.label_lower == "governance.arml":
        return obj
    return getattr(obj, "arml", None)


def record(
    obj: Any,
    verb: str,
    *,
    actor: Any,
    principal: Any = None,
    data: Mapping[str, Any] | None = None,
    comment: str = "",
    request_info: Mapping[str, str] | None = None,
    roles: Iterable[str] | None = None,
    principal_roles: Iterable[str] | None = None,
    documents: Iterable[Any] = (),
    action: str = "",
    created: bool = False,
) -> Any:
    """Ledger `<prefix>.<verb>` on `obj` in the caller's transaction; returns the event.

    The object's state is recorded unchanged (from = to), or as reached from nothing when
    `created`; `roles` are the actor's roles (read from today's mandates when not given),
    `principal_roles` the principal's when they differ.
    """
    arml = _arml_of(obj)
    if isinstance(principal, Principal):  # what require() returned: the person and their roles
        principal, principal_roles = principal.person, principal.roles
    principal = principal or actor
    if roles is None:
        roles = roles_in(actor, arml) if actor is not None and arml is not None else ()
    if principal_roles is None:
        principal_roles = roles if principal is actor or arml is None else roles_in(principal, arml)
    state = str(getattr(obj, "state", "") or "")
    return append(
        action=action or f"{prefix_of(obj)}.{verb}",
        actor=actor,
        principal=principal,
        obj=obj,
        arml=arml,
        from_state="" if created else state,
        to_state=state,
        comment=comment,
        data=dict(data or {}),
        documents=documents,
        request_info=request_info,
        actor_roles=roles,
        principal_roles=principal_roles,
    )


def refusal_of(exc: BaseException) -> tuple[str, str]:
    """(code, sentence) of a refused act, whatever raised it."""
    if isinstance(exc, errors.TransitionError):
        return exc.code, exc.message
    if isinstance(exc, PermissionDenied):
        return getattr(exc, "code", "forbidden"), str(getattr(exc, "reason", "") or exc)
    if isinstance(exc, ValidationError):
        code = getattr(exc, "code", None) or "invalid_data"
        return code, " ".join(exc.messages)
    return "refused", str(exc)


REFUSALS = (errors.TransitionError, PermissionDenied, ValidationError)


def record_refusal(
    obj: Any,
    attempted: str,
    *,
    actor: Any,
    code: str,
    reason: str,
    data: Mapping[str, Any] | None = None,
    request_info: Mapping[str, str] | None = None,
) -> Any:
    """Ledger `<prefix>.refused_attempt` on `obj`, outside the attempt's rolled-back transaction."""
    return append_refusal(
        action=f"{prefix_of(obj)}.refused_attempt",
        actor=actor if actor is not None and actor.is_authenticated else None,
        obj=obj,
        arml=_arml_of(obj),
        from_state=str(getattr(obj, "state", "") or ""),
        transition=attempted,
        code=code,
        reason=reason,
        data=data,
        request_info=request_info,
    )


def refusals_ledgered(attempted: str, subject: Callable[[dict[str, Any]], Any]) -> Callable[[F], F]:
    """Decorate a keyword-only service (outside its own `transaction.atomic`): a refusal it
    raises is ledgered on `subject(kwargs)` as an attempt at `attempted`, then re-raised."""

    def decorate(service: F) -> F:
        @functools.wraps(service)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return service(*args, **kwargs)
            except REFUSALS as exc:
                if getattr(exc, "ledgered", True):
                    code, reason = refusal_of(exc)
                    record_refusal(
                        subject(kwargs),
                        attempted,
                        actor=kwargs.get("actor"),
                        code=code,
                        reason=reason,
                        request_info=kwargs.get("request_info"),
                    )
                raise

        return wrapper  # type: ignore[return-value]

    return decorate
