"""Cells of every export (CSV, XLSX) pass through `safe_cell` (issue 13.12): a text a
spreadsheet would read as a formula (=HYPERLINK(…), +cmd, -2+3, @SUM) or whose leading tab or
carriage return hides it is prefixed with an apostrophe, so it is shown as typed, never run.
Numbers stay numbers (a negative amount is not a formula)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(row: Any) -> list[Any]:
    return [safe_cell(value) for value in row]
