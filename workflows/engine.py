"""perform(): the only way any state changes (DESIGN.md § The path of a transition).

lock → authorise → move → document → record, in one transaction; then, after commit, the
workflow advance and notifications. A refused attempt is ledgered outside the rolled-back
transaction, so auditors see who tried what.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from governance.models import Person
from permissions.authorization import Principal, Refused, authorize
from workflows import errors
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import TransitionSpec, UnknownTransition, spec_for, unmet_messages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    obj: Lifecycle
    spec: TransitionSpec
    principal: Principal
    from_state: str
    event: Any  # audit.models.AuditEvent
    document: Any  # documents.models.DocumentVersion


#: Called after commit with each Outcome, in order (workflow advance, notifications…).
AFTER_COMMIT: list[Callable[[Outcome], None]] = []
Task = Any


def perform(
    obj: Lifecycle,
    name: str,
    *,
    actor: Person,
    comment: str = "",
    data: dict[str, Any] | None = None,
    task: Task | None = None,
    request_info: dict[str, str] | None = None,
) -> Outcome:
    try:
        spec = spec_for(obj, name)
    except UnknownTransition:
        raise errors.UnknownTransition(_("Unknown action: %(name)s.") % {"name": name}) from None
    comment = (comment or "").strip()
    try:
        with transaction.atomic():
            outcome = _perform(obj, spec, actor, comment, data or {}, task, request_info)
    except errors.TransitionError as exc:
        if exc.ledgered:
            _record_refusal(obj, spec, actor, exc, comment, request_info)
        raise
    for hook in AFTER_COMMIT:
        transaction.on_commit(lambda hook=hook: _run_hook(hook, outcome))
    return outcome


def _perform(
    obj: Lifecycle,
    spec: TransitionSpec,
    actor: Person,
    comment: str,
    data: dict[str, Any],
    task: Task | None,
    request_info: dict[str, str] | None,
) -> Outcome:
    from audit.services import append
    from workflows.documents import issue_for_transition

    locked = _lock(obj)
    try:
        principal = authorize(actor, locked, spec.name, spec)
    except Refused as exc:
        raise errors.Forbidden(exc.reason) from None
    if locked.state not in spec.sources:
        raise errors.InvalidState(
            _("This action is not possible in the state “%(state)s”.")
            % {"state": locked.state_label()}
        )
    if spec.circuit and task is None:
        raise errors.CircuitTaskRequired(
            _("This step is part of a signature circuit: perform it from your task list.")
        )
    if spec.comment_required and not comment:
        raise errors.CommentRequired()
    try:
        clean = locked.clean_transition_data(spec.name, data)
    except ValidationError as exc:
        raise errors.InvalidData(
            " ".join(exc.messages), details=getattr(exc, "message_dict", None)
        ) from None
    unmet = unmet_messages(locked, spec)
    if unmet:
        raise errors.ConditionsUnmet(" ".join(unmet), details={"conditions": unmet})

    ctx = TransitionContext(
        actor=actor, principal=principal.person, comment=comment, data=clean, now=timezone.now()
    )
    from_state = locked.state
    try:
        getattr(locked, spec.name)(ctx)
        locked.version += 1
        locked.save()
    except (ConcurrentTransition, TransitionNotAllowed):
        raise errors.Conflict() from None

    document = issue_for_transition(locked, spec, ctx, principal, from_state)
    try:
        event = _append_event(
            append,
            spec,
            actor,
            principal,
            locked,
            from_state,
            comment,
            clean,
            document,
            request_info,
        )
    except BaseException:
        # The rows roll back with the transaction; the file would only wait for `documents gc`.
        from documents.storage import discard

        discard(document.storage_key)
        raise
    return Outcome(locked, spec, principal, from_state, event, document)


def _append_event(
    append: Callable[..., Any],
    spec: TransitionSpec,
    actor: Person,
    principal: Principal,
    locked: Lifecycle,
    from_state: str,
    comment: str,
    clean: dict[str, Any],
    document: Any,
    request_info: dict[str, str] | None,
) -> Any:
    return append(
        action=spec.event_action,
        actor=actor,
        principal=principal.person,
        obj=locked,
        arml=locked.arml,
        from_state=from_state,
        to_state=locked.state,
        comment=comment,
        data={"transition": spec.name, **clean, **_delegation_data(principal)},
        documents=[document],
        request_info=request_info,
    )


def _lock(obj: Lifecycle) -> Lifecycle:
    """Re-read under a row lock; a stale in-memory copy means someone else acted first."""
    model = type(obj)
    # of=("self",): lock the object's row only, not the joined ARML (PostgreSQL).
    locked = model.objects.select_related("arml").select_for_update(of=("self",)).get(pk=obj.pk)
    if locked.state != obj.state or locked.version != obj.version:
        raise errors.Conflict()
    return locked


def _delegation_data(principal: Principal) -> dict[str, Any]:
    if principal.delegation is None:
        return {}
    d = principal.delegation
    return {"delegation": {"id": d.pk, "start": d.start.isoformat(), "end": d.end.isoformat()}}


def _record_refusal(
    obj: Lifecycle,
    spec: TransitionSpec,
    actor: Person,
    exc: errors.TransitionError,
    comment: str,
    request_info: dict[str, str] | None,
) -> None:
    from audit.services import append_refusal

    try:
        append_refusal(
            action=f"{spec.model_prefix}.refused_attempt",
            actor=actor if actor.is_authenticated else None,
            obj=obj,
            arml=obj.arml,
            from_state=obj.state,
            transition=spec.name,
            code=exc.code,
            reason=exc.message,
            comment=comment,
            request_info=request_info,
        )
    except Exception:  # the refusal stands even if its record fails; say so loudly
        log.exception("could not ledger a refused attempt on %s", obj)


def _run_hook(hook: Callable[[Outcome], None], outcome: Outcome) -> None:
    try:
        hook(outcome)
    except Exception:  # after commit the transition stands; a failed e-mail must not undo it
        log.exception("after-commit hook %s failed for %s", hook, outcome.event)
