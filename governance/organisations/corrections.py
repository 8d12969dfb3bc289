"""What a money entry corrected by correcting entries says of itself, shared by the CPOM's
payments (governance.finances) and the dues paid (governance.dues).

An entry is never edited: a mistake is taken back by a correcting entry, a row with a negative
amount whose `reverses` points at the original (the originals' `corrections`). A plain mixin:
the models keep their own fields, tables and triggers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class CorrectedEntry:
    amount: Decimal
    reverses_id: int | None
    reverses: Any
    corrections: Any

    @property
    def is_correction(self) -> bool:
        return self.reverses_id is not None

    def remaining(self) -> Decimal:
        """What is left of this entry once its corrections are counted (prefetch them)."""
        return self.amount + sum((c.amount for c in self.corrections.all()), Decimal("0.00"))

    @property
    def takes_back_all(self) -> bool:
        """A correcting entry that cancels the whole of its original."""
        return self.reverses is not None and -self.amount == self.reverses.amount

    @property
    def is_cancelled(self) -> bool:
        return not self.is_correction and self.remaining() <= 0
