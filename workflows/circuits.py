"""Driving viewflow circuits from our own pages (viewflow's views and URLs are not mounted).

A circuit starts inside the transaction of the transition named by the model's
`circuit_after` (so the object and its process cannot drift apart); each human task performs
exactly one transition through engine.perform(..., task=task) and is completed in the same
transaction; the automatic step after the Join performs its transition the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from viewflow.workflow import PROCESS, STATUS
from viewflow.workflow.models import Task

from governance.organisations.models import Person
from workflows import errors
from workflows.models import Circuit

PENDING = (STATUS.NEW, STATUS.ASSIGNED)


#: The circuits by name (a lifecycle's `circuit_flow`); each flow module registers its own.
FLOWS: dict[str, Any] = {}


def register_flow(name: str, flow_class: Any) -> Any:
    FLOWS[name] = flow_class
    return flow_class


def flow_for(obj: Any, transition: str | None = None) -> Any:
    """The flow a transition of `obj` starts (`circuits_after`), or the object's only one."""
    started = getattr(obj, "circuits_after", {})
    if transition is not None and transition in started:
        return FLOWS[started[transition]]
    return FLOWS[obj.circuit_flow]


def starts_circuit(obj: Any, transition: str) -> bool:
    return transition in getattr(obj, "circuits_after", {}) or (
        getattr(obj, "circuit_after", None) == transition
    )


def attach(activation: Any, obj: Any) -> Any:
    process = activation.process
    process.arml_id = obj.arml_id
    process.subject_type = ContentType.objects.get_for_model(obj)
    process.subject_id = obj.pk
    return process


def after_transition(outcome: Any) -> None:
    """In the transition's transaction: start the object's circuit after its opening step
    (`circuit_after`, or one of several: `circuits_after` = {transition: flow name})."""
    obj = outcome.obj
    if starts_circuit(obj, outcome.spec.name):
        flow_for(obj, outcome.spec.name).start.run(obj=obj)


def cancel_active(obj: Any) -> None:
    """Cancel the object's running circuit (its pending tasks): a step outside the circuit
    made it moot (a new version cancels the agreements asked on the previous one)."""
    circuit = active_circuit(obj)
    if circuit is not None:
        circuit.flow_class.instance.cancel(circuit)


def active_circuit(obj: Any) -> Circuit | None:
    return Circuit.for_object(obj).filter(status=PROCESS.NEW).order_by("-pk").first()


def pending_tasks(obj: Any) -> list[Task]:
    return list(
        Task.objects.filter(
            process__in=Circuit.for_object(obj).filter(status=PROCESS.NEW),
            flow_task_type="HUMAN",
            status__in=PENDING,
        ).order_by("created", "pk")
    )


def step_of(task: Task) -> tuple[str, set[str], tuple[str, ...]]:
    """(transition, roles awaited, exits offered) of a human task."""
    step: tuple[str, set[str], tuple[str, ...]] = task.flow_task.flow_class.STEPS[
        task.flow_task.name
    ]
    return step


def task_for(obj: Any, name: str, roles: set[str]) -> Task | None:
    """The pending task of `obj` through which someone holding `roles` performs `name`."""
    for task in pending_tasks(obj):
        transition, awaited, exits = step_of(task)
        if (name == transition or name in exits) and awaited & roles:
            return task
    return None


def run_task(task: Task, name: str, actor: Person, do: Callable[[], Any]) -> Any:
    """Complete `task` by performing transition `name` (its own step, or one of its exits)."""
    with task.activation() as activation:  # the flow lock: outermost, as viewflow requires
        task = activation.task
        if task.status not in PENDING:
            raise errors.InvalidState(_("This task has already been completed."))
        transition, _roles, exits = step_of(task)
        if name == transition:
            if activation.assign.can_proceed():
                activation.assign(actor)
            elif task.owner_id != actor.pk:
                raise errors.Forbidden(_("Another person has taken this task."))
            activation.start(None)
            outcome = do()
            task.data = {**(task.data or {}), "principal": outcome.principal.person.pk}
            task.save(update_fields=["data"])
            activation.execute()  # Split/Join and the automatic step run here, same transaction
        elif name in exits:
            outcome = do()
            activation.flow_class.instance.cancel(activation.process)
        else:
            raise errors.InvalidState(_("This task does not perform this action."))
    return outcome


@dataclass(frozen=True)
class TaskItem:
    task: Task
    obj: Any
    transition: str
    label: str


def circuit_tasks_for(user: Person, roles_by_arml: dict[int, set[str]]) -> list[TaskItem]:
    """Pending human tasks whose awaited role the user holds (or was delegated) in the ARML.

    Two queries whatever the number of tasks: the tasks with their processes, then the subjects
    (one query per subject model through the generic prefetch).
    """
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    if not roles_by_arml:
        return []
    tasks = list(
        Task.objects.filter(
            flow_task_type="HUMAN",
            status__in=PENDING,
            process__circuit__arml_id__in=list(roles_by_arml),
            process__status=PROCESS.NEW,
        )
        .select_related("process__circuit")
        .order_by("created", "pk")
    )
    circuits = [t.process.circuit for t in tasks]
    by_type: dict[int, list[Any]] = defaultdict(list)
    for circuit in circuits:
        by_type[circuit.subject_type_id].append(circuit)
    if circuits:
        from django.db.models import prefetch_related_objects

        models = {ContentType.objects.get_for_id(ct).model_class() for ct in by_type}
        prefetch_related_objects(
            circuits,
            GenericPrefetch("subject", [_inbox_queryset(m) for m in models]),
        )
    items = []
    for task in tasks:
        circuit = task.process.circuit
        transition, awaited, _exits = step_of(task)
        if awaited & roles_by_arml.get(circuit.arml_id, set()) and circuit.subject is not None:
            items.append(
                TaskItem(task, circuit.subject, transition, str(task.flow_task.task_title))
            )
    return items


def _inbox_queryset(model: Any) -> Any:
    custom = getattr(model, "inbox_queryset", None)
    return custom() if custom else model.objects.select_related("arml")


def task_for_user(obj: Any, name: str, user: Person) -> Task:
    """The pending task through which `user` (or their principal) performs `name`, or a clear
    refusal: circuit steps happen only through their tasks."""
    from permissions.authorization import candidates
    from workflows.specs import spec_for

    spec = spec_for(obj, name)
    for principal in candidates(user, obj.arml_id, spec.action_name):
        task = task_for(obj, name, set(principal.roles & spec.roles))
        if task is not None:
            return task
    raise errors.CircuitTaskRequired(
        _("No task of the signature circuit awaits you for this action on this item.")
    )
