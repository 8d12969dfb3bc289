"""The ledger's settings, read at use and checked (a bad value names its variable).

ARML_CHECKPOINT_EVERY     a checkpoint once this many events are not covered (0: no count rule)
ARML_CHECKPOINT_MINUTES   ... or once the oldest uncovered event is this old (0: no time rule)
ARML_LEDGER_WITNESS_DIR   append-only directory outside the database, one file per checkpoint
ARML_LEDGER_WITNESS_STORAGE  or a Django storage alias (settings.STORAGES), e.g. object storage
ARML_TSA_MAX_DELAY_SECONDS   how long after its stated time a checkpoint may be time-stamped
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative ({number})")
    return number


def checkpoint_every() -> int:
    return _int("ARML_CHECKPOINT_EVERY", 1000)


def checkpoint_minutes() -> int:
    return _int("ARML_CHECKPOINT_MINUTES", 10)


def tsa_max_delay_seconds() -> int:
    return _int("ARML_TSA_MAX_DELAY_SECONDS", 600)


def witness_dir() -> Path | None:
    value = getattr(settings, "ARML_LEDGER_WITNESS_DIR", "") or ""
    return Path(value) if str(value) else None


def witness_storage() -> str:
    alias = getattr(settings, "ARML_LEDGER_WITNESS_STORAGE", "") or ""
    if alias and alias not in settings.STORAGES:
        raise ImproperlyConfigured(
            f"ARML_LEDGER_WITNESS_STORAGE names {alias!r}, which is not in STORAGES"
        )
    if alias and witness_dir() is not None:
        raise ImproperlyConfigured(
            "Set ARML_LEDGER_WITNESS_DIR or ARML_LEDGER_WITNESS_STORAGE, not both"
        )
    return str(alias)
