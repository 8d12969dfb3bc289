"""The canonical form of a ledger event: the exact bytes its hash is computed over.

No Django here: the offline verifier (`python -m audit.offline`) imports this module as is.

Definition (the one rule; everything else is a faster way to produce the same bytes):

    canonical_json(value) = json.dumps(value, sort_keys=True, separators=(",", ":"),
                                       ensure_ascii=True, allow_nan=False), encoded as UTF-8
    event hash            = lowercase hex SHA-256 of canonical_json(record)

ensure_ascii makes the bytes pure ASCII (hence also UTF-8): non-ASCII characters are written
as \\uXXXX escapes, which any JSON library reads back, and which are much faster to produce than
UTF-8 transcoding at a million events. `record` maps every name in FIELDS to its value:
integers or null for the ids and seq, strings for the rest, `time` as
"YYYY-MM-DDTHH:MM:SS.ffffff+00:00" (UTC, always six fractional digits), `data` a JSON object and
`documents` a JSON list of {"sha256", "version_id"} objects.

The database keeps `data` and `documents` as their canonical JSON text, so that `event_bytes()`
builds the canonical bytes from a row tuple (FIELDS order, JSON fields as canonical text) without
re-encoding them; the test suite checks that it agrees with canonical_json on arbitrary records.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

GENESIS_HASH = "0" * 64

# Sorted, so that the row order is also the key order of the canonical JSON object.
FIELDS: tuple[str, ...] = (
    "action",
    "actor_id",
    "actor_name",
    "actor_roles",
    "arml_id",
    "comment",
    "data",
    "documents",
    "from_state",
    "object_id",
    "object_label",
    "object_type",
    "prev_hash",
    "principal_id",
    "principal_name",
    "principal_roles",
    "request_ip",
    "request_user_agent",
    "seq",
    "time",
    "to_state",
)
assert list(FIELDS) == sorted(FIELDS)
INT_FIELDS = frozenset({"actor_id", "arml_id", "principal_id", "seq"})
JSON_FIELDS = frozenset({"data", "documents"})

_string = json.encoder.encode_basestring_ascii  # the C escaper of json.dumps(ensure_ascii=True)


def canonical_json(value: Any) -> bytes:
    """The canonical JSON encoding (the definition; see the module docstring)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("utf-8")


def canonical_text(value: Any) -> str:
    return canonical_json(value).decode("ascii")


def format_time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("ledger times must be timezone-aware")
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="microseconds")


def normalize_json(value: Any) -> Any:
    """`value` as plain JSON data (Decimal, UUID and dates become strings), or ValueError.

    Floats in exponent form (1e+20) are refused, so that a value reads back from any JSON
    library as it was written: pass amounts as strings or Decimals.
    """
    text = json.dumps(value, sort_keys=True, allow_nan=False, default=_default)
    result = json.loads(text)
    _check_floats(result)
    return result


_PLAIN_SCALARS = (str, int, bool, type(None))


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON data")


if json.encoder.c_make_encoder is not None:  # type: ignore[attr-defined]
    # json.dumps' own C encoder, made once with the canonical options (json.dumps rebuilds it
    # on every call when options differ from the defaults): markers off, the value being
    # plain (checked by _is_plain), which also rules out cycles.
    _c_encode = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None, _refuse, _string, None, ":", ",", True, False, False
    )

    def _dumps_canonical(value: Any) -> str:
        return "".join(_c_encode(value, 0))

else:  # pragma: no cover - Python builds without the C accelerator
    _encoder = json.JSONEncoder(
        sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )

    def _dumps_canonical(value: Any) -> str:
        return _encoder.encode(value)


def canonical_data_text(value: Mapping[str, Any]) -> str:
    """canonical_text(normalize_json(value)) for a mapping, without the JSON round trip when
    the value is already plain JSON data with string keys (the common case on the write path):
    then normalising changes nothing and one encoding gives the same text."""
    if _is_plain(value):
        return _dumps_canonical(value)
    result = normalize_json(dict(value))
    if not isinstance(result, dict):
        raise ValueError("data must be a mapping")
    return canonical_text(result)


def _is_plain(value: Any) -> bool:
    kind = value.__class__
    if kind in _PLAIN_SCALARS:
        return True
    if kind is dict:
        return all(key.__class__ is str and _is_plain(item) for key, item in value.items())
    if kind is list:
        return all(_is_plain(item) for item in value)
    if kind is float:
        return math.isfinite(value) and "e" not in repr(value)
    return False


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be written to the ledger")


def _check_floats(value: Any) -> None:
    if isinstance(value, float):
        if not math.isfinite(value) or "e" in repr(value):
            raise ValueError(f"float {value!r} cannot be stored exactly; use a string")
    elif isinstance(value, dict):
        for item in value.values():
            _check_floats(item)
    elif isinstance(value, list):
        for item in value:
            _check_floats(item)


def record_of(row: Sequence[Any]) -> dict[str, Any]:
    """A row tuple (values in FIELDS order) as a record mapping."""
    return dict(zip(FIELDS, row, strict=False))


def event_bytes(row: Sequence[Any]) -> bytes:
    """canonical_json(record) for a row in FIELDS order whose `data` and `documents` items are
    already canonical JSON text (extra trailing items, such as the stored hash, are ignored)."""
    (
        action,
        actor_id,
        actor_name,
        actor_roles,
        arml_id,
        comment,
        data,
        documents,
        from_state,
        object_id,
        object_label,
        object_type,
        prev_hash,
        principal_id,
        principal_name,
        principal_roles,
        request_ip,
        request_user_agent,
        seq,
        time,
        to_state,
    ) = row[:21]
    s = _string
    return "".join(
        (
            '{"action":',
            s(action),
            ',"actor_id":',
            "null" if actor_id is None else _int(actor_id),
            ',"actor_name":',
            s(actor_name),
            ',"actor_roles":',
            s(actor_roles),
            ',"arml_id":',
            "null" if arml_id is None else _int(arml_id),
            ',"comment":',
            s(comment),
            ',"data":',
            data,
            ',"documents":',
            documents,
            ',"from_state":',
            s(from_state),
            ',"object_id":',
            s(object_id),
            ',"object_label":',
            s(object_label),
            ',"object_type":',
            s(object_type),
            ',"prev_hash":',
            s(prev_hash),
            ',"principal_id":',
            "null" if principal_id is None else _int(principal_id),
            ',"principal_name":',
            s(principal_name),
            ',"principal_roles":',
            s(principal_roles),
            ',"request_ip":',
            s(request_ip),
            ',"request_user_agent":',
            s(request_user_agent),
            ',"seq":',
            _int(seq),
            ',"time":',
            s(time) if time.__class__ is str else f'"{format_time(time)}"',
            ',"to_state":',
            s(to_state),
            "}",
        )
    ).encode("ascii")


def _int(value: Any) -> str:
    if value.__class__ is not int:
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return str(value)


def row_from_record(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """A record mapping (JSON fields as data) as a row tuple (JSON fields as canonical text)."""
    return tuple(
        canonical_text(record[name]) if name in JSON_FIELDS else record[name] for name in FIELDS
    )


def event_hash(row: Sequence[Any]) -> str:
    return hashlib.sha256(event_bytes(row)).hexdigest()


def record_hash(record: Mapping[str, Any]) -> str:
    """The hash of a record mapping: the definition applied directly."""
    return hashlib.sha256(canonical_json({name: record[name] for name in FIELDS})).hexdigest()
