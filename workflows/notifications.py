"""After commit: tell the people who may now act that something awaits them (one e-mail each)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.models import Mandate
from workflows.specs import specs_of

if TYPE_CHECKING:
    from workflows.engine import Outcome


def notify_next_actors(outcome: Outcome) -> int:
    obj = outcome.obj
    roles = {
        role
        for spec in specs_of(type(obj)).values()
        if obj.state in spec.sources and not spec.circuit
        for role in spec.roles
    }
    if not roles:
        return 0
    people = {
        m.person
        for m in Mandate.objects.active()
        .filter(arml_id=obj.arml_id, role__in=roles)
        .select_related("person")
        if m.person.email and m.person.is_active and m.person_id != outcome.event.actor_id
    }
    with override(settings.LANGUAGE_CODE):
        subject = _("[ARML] %(object)s: %(state)s") % {
            "object": obj.ledger_label(),
            "state": obj.state_label(),
        }
        body = _(
            "%(actor)s performed “%(action)s” on %(object)s.\n"
            "It is now “%(state)s”: an action may await you on the item's page."
        ) % {
            "actor": outcome.event.actor_name,
            "action": outcome.spec.label,
            "object": obj.ledger_label(),
            "state": obj.state_label(),
        }
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [p.email]) for p in people]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
