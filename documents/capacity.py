"""What documents/ is told about a signer: in which capacity they sign, and for whom.

documents/ imports nothing from governance/: the engine (workflows/documents.py) reads mandates
and delegations and hands these small values to `documents.services.issue()`/`countersign()`.
They end up in the signer's certificate (capacity) and in the signature's visible appearance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

PLATFORM_ORGANISATION = "ARML Governance"


@dataclass(frozen=True)
class Capacity:
    """The capacity a person signs in.

    `role`: the role code (`president`), what signature fields and certificates are keyed by;
    `label`: the capacity as people read it (« Président·e de l'ARML »), printed in the
    certificate's title and the signature's appearance; `organisation`: whom they sign for
    (« ARML Bretagne », « Conseil régional Bretagne »), the certificate's O=.
    """

    role: str
    label: str = ""
    organisation: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.role)
        if not self.organisation:
            object.__setattr__(self, "organisation", PLATFORM_ORGANISATION)


@dataclass(frozen=True)
class DelegationEvidence:
    """The delegation a signature was made under, as recorded at signing time."""

    principal: str
    reference: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "principal": self.principal,
            "reference": self.reference,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DelegationEvidence:
        def day(value: Any) -> dt.date | None:
            try:
                return dt.date.fromisoformat(str(value)[:10]) if value else None
            except ValueError:
                return None

        return cls(
            principal=str(data.get("principal", "")),
            reference=str(data.get("reference", "")),
            start=day(data.get("start")),
            end=day(data.get("end")),
            reason=str(data.get("reason", "")),
        )
