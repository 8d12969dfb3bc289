"""Rules of the PRA (no ORM): who drafts, reports and speaks for funders; money units."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Role
from permissions.authorization import act

DRAFTERS = {Role.ARML_DIRECTOR, Role.ARML_STAFF}
REPORTERS = {Role.ARML_DIRECTOR, Role.ARML_STAFF}
OFFICERS = {Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

DRAFT = act("programme.draft", label=_("Draft the regional programme"), roles=DRAFTERS)
REPORT = act("programme.report", label=_("Record the progress of the actions"), roles=REPORTERS)
