"""The CPOM's models: conventions and their content versions, amendments, and the countersigning
steps both share."""

from governance.conventions.models.circuit_steps import countersigned_steps  # noqa: I001
from governance.conventions.models.conventions import (
    EDITABLE,
    IN_FORCE_STATES,
    NEGOTIATING,
    AMOUNT,
    Agreement,
    Convention,
    ConventionState,
    ConventionVersion,
    FunderAmount,
    FundingLine,
    IndicatorTarget,
    LineComment,
)
from governance.conventions.models.amendments import (
    Amendment,
    AmendmentLine,
    AmendmentState,
    AmendmentVersion,
    has_lines,
)

__all__ = [
    "AMOUNT",
    "EDITABLE",
    "IN_FORCE_STATES",
    "NEGOTIATING",
    "Agreement",
    "Amendment",
    "AmendmentLine",
    "AmendmentState",
    "AmendmentVersion",
    "Convention",
    "ConventionState",
    "ConventionVersion",
    "FunderAmount",
    "FundingLine",
    "IndicatorTarget",
    "LineComment",
    "countersigned_steps",
    "has_lines",
]
