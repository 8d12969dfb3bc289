"""Pure rules of the PRA (no ORM): who drafts, reports and speaks for funders; money units."""

from decimal import Decimal

from governance.organisations.models import Role

DRAFTERS = {Role.ARML_DIRECTOR, Role.ARML_STAFF}
REPORTERS = {Role.ARML_DIRECTOR, Role.ARML_STAFF}
OFFICERS = {Role.STATE_OFFICER, Role.REGION_OFFICER, Role.OTHER_FUNDER}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
