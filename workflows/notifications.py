"""After commit: tell the people who may now act that something awaits them (one e-mail each)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.organisations.models import Mandate, Person
from permissions.authorization import Principal, check
from workflows.specs import specs_of

if TYPE_CHECKING:
    from workflows.engine import Outcome


def notify_next_actors(outcome: Outcome) -> int:
    """E-mail the people for whom a forward step is now open (exits like abandon notify nobody)."""
    obj = outcome.obj
    specs = [
        spec
        for spec in specs_of(type(obj)).values()
        if obj.state in spec.sources and spec.style == "primary" and not spec.automatic
    ]
    roles = {role for spec in specs for role in spec.roles}
    if not roles:
        return 0
    held: dict[Person, set[str]] = defaultdict(set)
    mandates = Mandate.objects.active().filter(arml_id=obj.arml_id, role__in=roles)
    for mandate in mandates.select_related("person"):
        held[mandate.person].add(mandate.role)
    people = [
        person
        for person, person_roles in held.items()
        if person.email
        and person.is_active
        and person.pk != outcome.event.actor_id
        and any(
            check(Principal(person, frozenset(person_roles)), person, obj, s) is None for s in specs
        )
    ]
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
