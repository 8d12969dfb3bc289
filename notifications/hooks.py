"""After commit, for every transition (workflows.engine.AFTER_COMMIT): tell the people a step
now awaits, and tell the author of what was refused. The rules of who are in
workflows/notifications.py; a room adds its own hooks (the convocation: meetings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import Message, notify
from workflows.notifications import author_of, forward_specs, is_refusal, next_actors

if TYPE_CHECKING:
    from workflows.engine import Outcome


def notify_next_actors(outcome: Outcome[Any]) -> int:
    """Signature, countersignature, approval, opinion…: whoever may now act, but the actor."""
    obj = outcome.obj
    people = next_actors(outcome)
    if not people:
        return 0
    steps = ", ".join(dict.fromkeys(str(s.label) for s in forward_specs(obj)))
    values = {
        "actor": outcome.event.actor_name,
        "action": outcome.spec.label,
        "object": obj.ledger_label(),
        "state": obj.state_label(),
        "steps": steps,
    }
    message = Message(
        title=_("[ARML] %(object)s: %(state)s") % values,
        lines=[
            _("%(actor)s performed “%(action)s” on %(object)s.") % values,
            _("It is now “%(state)s”; what may await you: %(steps)s.") % values,
        ],
        url=obj.get_absolute_url(),
        action=_("Open the item"),
    )
    return len(notify(people, kind=Kind.AWAITING, message=message, subject=obj))


def notify_author_of_refusal(outcome: Outcome[Any]) -> int:
    """A refusal, rejection, return or contest goes back to whoever submitted the object."""
    if not is_refusal(outcome.spec):
        return 0
    obj = outcome.obj
    author = author_of(obj, outcome.from_state)
    if author is None or author.pk == outcome.event.actor_id:
        return 0
    values = {
        "actor": outcome.event.actor_name,
        "action": outcome.spec.label,
        "object": obj.ledger_label(),
        "state": obj.state_label(),
        "reason": outcome.event.comment or "—",
    }
    message = Message(
        title=_("[ARML] %(object)s: %(action)s") % values,
        lines=[
            _("%(actor)s performed “%(action)s” on %(object)s, which you submitted.") % values,
            _("Reason given: %(reason)s") % values,
            _("It is now “%(state)s”.") % values,
        ],
        url=obj.get_absolute_url(),
        action=_("Open the item"),
    )
    return len(notify([author], kind=Kind.REFUSED, message=message, subject=obj))
