"""Rules of the meetings room: who may do what outside transitions (declared once, read by the
services, the pages and the delegation form)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Role
from permissions.authorization import act

#: Who keeps the attendance sheet, the proxies and the tally (statuts: the secretary, or the
#: president in their absence).
RECORDERS = frozenset({Role.SECRETARY, Role.PRESIDENT})
#: Who plans meetings and sets their agenda.
ORGANISERS = frozenset({Role.PRESIDENT})

PLAN = act("meeting.plan", label=_("Plan a meeting"), roles=ORGANISERS)
SET_AGENDA = act("meeting.set_agenda", label=_("Set the agenda"), roles=ORGANISERS)
RECORD = act(
    "meeting.record",
    label=_("Record attendance, proxies, interests and votes"),
    roles=RECORDERS,
)
