"""perform(): the only way any state changes (docs/architecture.md § The path of a transition).

lock → authorise → move → document → record, in one transaction; then, after commit, the
workflow advance and notifications. A refused attempt is ledgered outside the rolled-back
transaction, so auditors see who tried what.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Generic

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from typing_extensions import TypeVar

from audit.services import append
from documents.storage import discard
from governance.organisations.models import Person
from permissions.authorization import Principal, Refused, authorize
from permissions.selectors import roles_in
from workflows import errors, second_factor
from workflows.acts import record_refusal
from workflows.documents import issue_for_transition
from workflows.lifecycle import Lifecycle, TransitionContext
from workflows.specs import (
    TransitionSpec,
    UnknownTransition,
    attachment_unmet,
    deliberation_unmet,
    spec_for,
    unmet_conditions,
)

if TYPE_CHECKING:
    from audit.models import AuditEvent
    from documents.models import DocumentVersion

log = logging.getLogger(__name__)

#: The lifecycle a transition moves: perform(plan, …).obj is typed as the plan's model.
L_co = TypeVar("L_co", bound=Lifecycle, default=Lifecycle, covariant=True)


@dataclass(frozen=True)
class Outcome(Generic[L_co]):
    obj: L_co
    spec: TransitionSpec
    principal: Principal
    from_state: str
    event: AuditEvent
    document: DocumentVersion | None


#: Called with each Outcome inside the transition's transaction (starting a circuit): a failure
#: undoes the transition, so the object and its workflow cannot drift apart.
WITHIN_TRANSACTION: list[Callable[[Outcome[Any]], object]] = []
#: Called after commit with each Outcome, in order (notifications…): failures are only logged.
AFTER_COMMIT: list[Callable[[Outcome[Any]], object]] = []
Task = Any


def perform[L: Lifecycle](
    obj: L,
    name: str,
    *,
    actor: Person,
    comment: str = "",
    data: dict[str, Any] | None = None,
    task: Task | None = None,
    request_info: dict[str, str] | None = None,
    proof: second_factor.Proof | second_factor.Confirmed | None = None,
) -> Outcome[L]:
    """`proof`: what the request brings of a second factor (its channel, a code), checked when
    the transition signs (workflows/second_factor.py); pages and API pass it."""
    try:
        spec = spec_for(obj, name)
    except UnknownTransition:
        raise errors.UnknownTransition(_("Unknown action: %(name)s.") % {"name": name}) from None
    comment = (comment or "").strip()
    data = data or {}
    try:
        if spec.automatic:
            raise errors.CircuitTaskRequired(
                _("This step happens by itself once its condition holds.")
            )
        if task is None and spec.circuit:
            from workflows.circuits import task_for_user

            task = task_for_user(obj, name, actor)  # circuit steps only through their task
        if task is None:
            with transaction.atomic():
                outcome = _perform(obj, spec, actor, comment, data, None, request_info, proof)
        else:
            from workflows.circuits import run_task, step_of

            # Only the roles this task awaits: a Region officer never completes the State's task.
            transition, awaited, _exits = step_of(task)
            narrowed = replace(spec, roles=spec.roles & awaited)

            def do() -> Outcome[L]:
                with transaction.atomic():
                    return _perform(obj, narrowed, actor, comment, data, task, request_info, proof)

            outcome = run_task(task, name, actor, do)
    except errors.TransitionError as exc:
        if isinstance(exc, errors.SecondFactorInvalid):
            second_factor.count_failure(exc)  # the rollback undid django-otp's own count
        if exc.ledgered:
            _record_refusal(obj, spec, actor, exc, comment, request_info)
        raise
    _after_commit(outcome)
    return outcome


def perform_automatic(
    obj: Lifecycle, name: str, *, actor: Person, principal: Person, task: Task
) -> Outcome:
    """An automatic step, for the principal whose action caused it: its authorisation was that
    action's. After a circuit's Join (in the circuit's transaction, `task` given), or on a date
    (a termination's effective date: `task` None)."""
    from permissions.selectors import roles_in

    spec = spec_for(obj, name)
    roles = frozenset(roles_in(principal, obj.arml)) & spec.roles or frozenset(spec.roles)
    with transaction.atomic():
        outcome = _perform(
            obj, spec, actor, "", {}, task, None, principal=Principal(principal, roles)
        )
    _after_commit(outcome)
    return outcome


def run_automatic(activation: Any, name: str) -> None:
    """The step after the Join: performed for whoever completed the last branch."""
    from viewflow.workflow import STATUS
    from viewflow.workflow.models import Task as FlowTask

    last = (
        FlowTask.objects.filter(
            process=activation.process, flow_task_type="HUMAN", status=STATUS.DONE
        )
        .select_related("owner")
        .order_by("-finished", "-pk")
        .first()
    )
    principal = Person.objects.get(pk=(last.data or {}).get("principal", last.owner_id))
    perform_automatic(
        activation.process.subject,
        name,
        actor=last.owner,
        principal=principal,
        task=activation.task,
    )


def _after_commit(outcome: Outcome[Any]) -> None:
    for hook in AFTER_COMMIT:
        transaction.on_commit(partial(_run_hook, hook, outcome))


def _perform[L: Lifecycle](
    obj: L,
    spec: TransitionSpec,
    actor: Person,
    comment: str,
    data: dict[str, Any],
    task: Task | None,
    request_info: dict[str, str] | None,
    proof: second_factor.Proof | second_factor.Confirmed | None = None,
    *,
    principal: Principal | None = None,
) -> Outcome[L]:
    locked = _lock(obj)
    principal = principal or _authorise(actor, locked, spec)
    clean = _checked(locked, spec, principal, task=task, comment=comment, data=data)
    now = timezone.now()
    # Last of the checks, so that a code is asked (and consumed) only for an act that can happen.
    confirmed = second_factor.confirm(actor, proof, now=now) if second_factor.needed(spec) else None
    ctx = TransitionContext(
        actor=actor,
        principal=principal.person,
        comment=comment,
        data=clean,
        now=now,
        second_factor=confirmed,
    )
    from_state = locked.state
    _move(locked, spec, ctx)
    document = issue_for_transition(locked, spec, ctx, principal, from_state)
    try:
        event = _record_event(
            locked,
            spec,
            ctx=ctx,
            principal=principal,
            from_state=from_state,
            document=document,
            request_info=request_info,
        )
    except BaseException:
        # The rows roll back with the transaction; the file would only wait for `documents gc`.
        discard(document.storage_key)
        raise
    outcome = Outcome(locked, spec, principal, from_state, event, document)
    for hook in WITHIN_TRANSACTION:
        hook(outcome)
    return outcome


def _authorise(actor: Person, locked: Lifecycle, spec: TransitionSpec) -> Principal:
    """Step 2: the principal the actor acts for, or Forbidden with the rule's code."""
    try:
        return authorize(actor, locked, spec.name, spec)
    except Refused as exc:
        raise errors.Forbidden(exc.reason, code=exc.code) from None


def _checked(
    locked: Lifecycle,
    spec: TransitionSpec,
    principal: Principal,
    *,
    task: Task | None,
    comment: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    """The state, the circuit, the comment, the data, the conditions and the deliberation the
    transition declares; returns the cleaned data."""
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
    unmet = unmet_conditions(locked, spec)
    if unmet:
        messages = [message for _code, message in unmet]
        raise errors.ConditionsUnmet(
            " ".join(messages),
            details={"conditions": messages},
            code=next((code for code, _message in unmet if code), ""),
        )
    missing = deliberation_unmet(locked, spec, principal.roles)
    if missing:
        raise errors.DeliberationRequired(missing, details={"conditions": [missing]})
    lacking = attachment_unmet(
        locked, spec, principal.roles, delegated=principal.delegation is not None
    )
    if lacking:
        raise errors.AttachmentRequired(lacking, details={"conditions": [lacking]})
    return clean


def _move(locked: Lifecycle, spec: TransitionSpec, ctx: TransitionContext) -> None:
    """Step 3: the django-fsm transition, and the object's version."""
    try:
        getattr(locked, spec.name)(ctx)
        locked.version += 1
        locked.save()
    except (ConcurrentTransition, TransitionNotAllowed):
        raise errors.Conflict() from None


def _record_event(
    locked: Lifecycle,
    spec: TransitionSpec,
    *,
    ctx: TransitionContext,
    principal: Principal,
    from_state: str,
    document: Any,
    request_info: dict[str, str] | None,
) -> Any:
    """Step 5: the ledger event naming who acted for whom, from → to, and the document."""
    delegated = principal.delegation is not None
    return append(
        action=spec.event_action,
        actor=ctx.actor,
        principal=principal.person,
        obj=locked,
        arml=locked.arml,
        from_state=from_state,
        to_state=locked.state,
        comment=ctx.comment,
        data={
            "transition": spec.name,
            **ctx.data,
            **locked.event_data(spec.name),
            **_delegation_data(principal),
            **({"second_factor": ctx.second_factor.as_dict()} if ctx.second_factor else {}),
        },
        documents=[document],
        request_info=request_info,
        principal_roles=principal.roles,
        actor_roles=roles_in(ctx.actor, locked.arml) if delegated else principal.roles,
    )


def _lock[L: Lifecycle](obj: L) -> L:
    """Re-read under a row lock; a stale in-memory copy means someone else acted first."""
    model = type(obj)
    # of=("self",): lock the object's row only, not the joined ARML (PostgreSQL).
    related = ("arml", *getattr(model, "lock_related", ()))
    locked = (
        model.objects.select_related(*related)
        .prefetch_related(*getattr(model, "inbox_prefetch", ()))
        .select_for_update(of=("self",))
        .get(pk=obj.pk)
    )
    # The state is what concurrent transitions fight over (as ConcurrentTransitionMixin): two
    # countersignatures of the same state both stand; a second approval of a moved plan does not.
    if locked.state != obj.state:
        raise errors.Conflict()
    assert isinstance(locked, model)
    return locked


def _delegation_data(principal: Principal) -> dict[str, Any]:
    if principal.delegation is None:
        return {}
    d = principal.delegation
    return {
        "delegation": {
            "id": d.pk,
            "start": d.start.isoformat(),
            "end": d.end.isoformat(),
            "act": d.evidence(),
        }
    }


def _record_refusal(
    obj: Lifecycle,
    spec: TransitionSpec,
    actor: Person,
    exc: errors.TransitionError,
    comment: str,
    request_info: dict[str, str] | None,
) -> None:
    try:
        record_refusal(
            obj,
            spec.name,
            actor=actor,
            code=exc.code,
            reason=exc.message,
            data={"comment": comment} if comment else None,
            request_info=request_info,
        )
    except Exception:  # the refusal stands even if its record fails; say so loudly
        log.exception("could not ledger a refused attempt on %s", obj)


def _run_hook(hook: Callable[[Outcome[Any]], object], outcome: Outcome[Any]) -> None:
    try:
        hook(outcome)
    except Exception:  # after commit the transition stands; a failed e-mail must not undo it
        log.exception("after-commit hook %s failed for %s", hook, outcome.event)
