"""Deadlines (échéances) and their reminders.

A deadline kind is declared once, next to what it is about, in the room's `deadlines.py`
(loaded at start-up by governance/apps.py):

    @deadline("dialogue.file_due", label=_("Dialogue file due"), transition="transmit_file")
    def dialogue_file_due(today, armls):
        for dialogue in ManagementDialogue.objects.filter(...):
            yield Due(dialogue, dialogue.file_deadline)

Its function yields the deadlines still open (what they ask is not done yet); the people
reminded are those who may perform `transition` on the object (the rule of
workflows/notifications.py), or the `people` a Due names. From these declarations come the
reminders (ARML_REMINDER_OFFSETS days before: 30, 7, 1), the overdue notice, the overdue state
in the inbox and the dashboard's "Échéances" table. Adding a kind is adding one declaration.

`run()` (manage.py deadlines run, every 15 minutes) is idempotent: each reminder is recorded in
SentReminder under the unique key (deadline, offset, recipient) before it is sent, so running
it twice sends each reminder once. When a deadline is first seen late (7 days left), only the
latest reminder due goes out, not the 30-day one too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.organisations.models import Person
from notifications import conf

log = logging.getLogger(__name__)

OVERDUE = "overdue"


@dataclass(frozen=True)
class Due:
    """One open deadline: the object, its last day, what distinguishes it among the object's
    deadlines of the same kind ("2027-T1"), and whom it awaits when the kind cannot say."""

    obj: Any
    on: dt.date
    what: str = ""
    #: Whom it awaits (a list, or a function returning one, called only when reminding).
    people: Sequence[Person] | Callable[[], Sequence[Person]] | None = None


Finder = Callable[[dt.date, "Sequence[int] | None"], Iterable[Due]]


@dataclass(frozen=True)
class DeadlineKind:
    code: str
    label: str | Promise
    find: Finder
    transition: str = ""


KINDS: dict[str, DeadlineKind] = {}
#: Other work each run does, declared by the rooms (a termination that takes effect…):
#: name → function of `now` returning what it did (counted).
STEPS: dict[str, Callable[[dt.datetime], Sequence[Any]]] = {}


def every_run(name: str) -> Callable[[Callable[[dt.datetime], Any]], Any]:
    """Declare a step `deadlines run` performs each time (idempotent by itself)."""

    def register(step: Callable[[dt.datetime], Any]) -> Any:
        STEPS[name] = step
        return step

    return register


def deadline(
    code: str, *, label: str | Promise, transition: str = ""
) -> Callable[[Finder], Finder]:
    """Declare a deadline kind (see the module docstring)."""

    def register(find: Finder) -> Finder:
        KINDS[code] = DeadlineKind(code, label, find, transition)
        return find

    return register


@dataclass
class OpenDeadline:
    kind: DeadlineKind
    due: Due
    today: dt.date
    _people: list[Person] | None = field(default=None, repr=False)

    @property
    def obj(self) -> Any:
        return self.due.obj

    @property
    def on(self) -> dt.date:
        return self.due.on

    @property
    def key(self) -> str:
        obj = self.due.obj
        return f"{self.kind.code}:{obj._meta.label_lower}:{obj.pk}:{self.due.what}:{self.on}"[:200]

    @property
    def days_left(self) -> int:
        return (self.on - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def label(self) -> str:
        text = str(self.kind.label)
        return f"{text} ({self.due.what})" if self.due.what else text

    def recipients(self) -> list[Person]:
        if self._people is None:
            if self.due.people is not None:
                people = self.due.people() if callable(self.due.people) else self.due.people
                self._people = [p for p in people if p.is_active]
            else:
                from workflows.notifications import people_who_may
                from workflows.specs import specs_of

                spec = specs_of(type(self.obj)).get(self.kind.transition)
                self._people = people_who_may(self.obj, [spec]) if spec else []
        return self._people


def people_with_roles(arml_id: int, roles: Iterable[str]) -> list[Person]:
    """The active people holding one of `roles` in the ARML today (for a Due's `people`)."""
    from governance.organisations.models import Mandate

    ids = Mandate.objects.active().filter(arml_id=arml_id, role__in=list(roles))
    return list(Person.objects.filter(pk__in=ids.values("person_id"), is_active=True))


def in_armls(qs: Any, armls: Sequence[int] | None) -> Any:
    return qs if armls is None else qs.filter(arml_id__in=list(armls))


def open_deadlines(
    today: dt.date | None = None, *, armls: Sequence[int] | None = None
) -> list[OpenDeadline]:
    """Every open deadline (of the ARMLs `armls`, or all), soonest first."""
    today = today or timezone.localdate()
    found = []
    for kind in KINDS.values():
        for due in kind.find(today, armls):
            if due.on is not None:
                found.append(OpenDeadline(kind, due, today))
    return sorted(found, key=lambda d: (d.on, d.kind.code, str(d.obj.pk)))


def due_by_object(today: dt.date, armls: Sequence[int]) -> dict[tuple[str, str], OpenDeadline]:
    """The soonest open deadline of each object: what the inbox marks."""
    soonest: dict[tuple[str, str], OpenDeadline] = {}
    for d in open_deadlines(today, armls=armls):
        soonest.setdefault((d.obj._meta.label_lower, str(d.obj.pk)), d)
    return soonest


def _offset_due(days_left: int, offsets: Sequence[int]) -> str | None:
    if days_left < 0:
        return OVERDUE
    crossed = [o for o in offsets if days_left <= o]
    return str(min(crossed)) if crossed else None


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """Send the reminders and overdue notices that are due, and the e-mails to try again."""
    from notifications.services import resend_due

    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"reminders": 0, "overdue": 0, "open": 0}
    offsets = conf.reminder_offsets()
    for item in open_deadlines(today):
        counts["open"] += 1
        offset = _offset_due(item.days_left, offsets)
        if offset is None:
            continue
        for person in item.recipients():
            if _remind(item, offset, person):
                counts["overdue" if offset == OVERDUE else "reminders"] += 1
    for status, n in resend_due(now).items():
        counts[f"emails_{status}"] = n
    for name, step in STEPS.items():
        try:
            counts[name] = len(step(now))
        except Exception:  # one step failing does not stop the reminders; the next run retries
            log.exception("deadlines run: step %s failed", name)
    return counts


def _remind(item: OpenDeadline, offset: str, person: Person) -> bool:
    """Record, then send, one reminder; False if it was already sent (the unique key)."""
    from notifications.models import Kind, SentReminder
    from notifications.services import notify

    try:
        with transaction.atomic():
            row = SentReminder.objects.create(deadline=item.key, offset=offset, recipient=person)
            [notification] = notify(
                [person],
                kind=Kind.OVERDUE if offset == OVERDUE else Kind.REMINDER,
                message=reminder_message(item),
                subject=item.obj,
            )
            row.notification = notification
            row.save(update_fields=["notification"])
    except IntegrityError:
        return False
    return True


def reminder_message(item: OpenDeadline) -> Any:
    from notifications.services import Message

    values = {
        "deadline": item.label,
        "object": str(item.obj),
        "date": item.on.strftime("%d/%m/%Y"),
        "n": abs(item.days_left),
    }
    n = abs(item.days_left)
    if item.overdue:
        title = _("[ARML] Overdue: %(deadline)s — %(object)s") % values
        first = (
            ngettext(
                "The deadline “%(deadline)s” of %(object)s passed on %(date)s (%(n)d day ago).",
                "The deadline “%(deadline)s” of %(object)s passed on %(date)s (%(n)d days ago).",
                n,
            )
            % values
        )
    else:
        title = (
            ngettext(
                "[ARML] Deadline in %(n)d day: %(deadline)s — %(object)s",
                "[ARML] Deadline in %(n)d days: %(deadline)s — %(object)s",
                n,
            )
            % values
        )
        first = _("The deadline “%(deadline)s” of %(object)s falls on %(date)s.") % values
    return Message(
        title=title,
        lines=[first, _("You receive this reminder because the next step is yours.")],
        url=item.obj.get_absolute_url(),
        action=_("Open the item"),
    )


def mark_inbox(user: Person, items: list[Any]) -> None:
    """workflows.selectors.INBOX_MARKERS: the inbox shows each item's deadline, and whether it
    passed."""
    if not items:
        return
    armls = sorted({item.obj.arml_id for item in items if item.obj is not None})
    soonest = due_by_object(timezone.localdate(), armls)
    for item in items:
        if item.obj is None:
            continue
        found = soonest.get((item.obj._meta.label_lower, str(item.obj.pk)))
        if found is not None:
            item.due = found.on
            item.overdue = found.overdue
