"""The CPOM's models: conventions and their content versions, amendments, and the countersigning
steps both share."""

from governance.conventions.models.circuit_steps import countersigned_steps  # noqa: I001
from governance.conventions.models.conventions import (
    EDITABLE,
    AMOUNT,
    Convention,
    ConventionState,
    ConventionVersion,
    FunderAmount,
    FundingLine,
    IndicatorTarget,
)
from governance.conventions.models.amendments import (
    Amendment,
    AmendmentLine,
    AmendmentState,
    has_lines,
)

__all__ = [
    "AMOUNT",
    "EDITABLE",
    "Amendment",
    "AmendmentLine",
    "AmendmentState",
    "Convention",
    "ConventionState",
    "ConventionVersion",
    "FunderAmount",
    "FundingLine",
    "IndicatorTarget",
    "countersigned_steps",
    "has_lines",
]
