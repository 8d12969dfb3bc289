"""Rules of the management dialogue (no ORM): who prepares the file, who drafts the
conclusions."""

from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Role
from permissions.authorization import act

PREPARERS = frozenset({Role.ARML_DIRECTOR, Role.ARML_STAFF})
NEGOTIATORS = frozenset({Role.STATE_OFFICER})

PREPARE = act(
    "dialogue.prepare",
    label=_("Prepare the dialogue file and record measurements"),
    roles=PREPARERS,
)
NEGOTIATE = act("dialogue.negotiate", label=_("Draft the conclusions"), roles=NEGOTIATORS)
