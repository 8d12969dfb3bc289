"""Audit ledger benchmarks (issue 4). Prints figures; asserts nothing.

1. Appends: raw DB-API hash-chained inserts (psycopg on PostgreSQL, sqlite3 otherwise), one
   transaction per event, vs `audit.services.append` through the ORM.     goal ≥ 0.5×
2. Verification core (audit.chain.walk: canonical bytes, SHA-256, links, seq, Merkle frontier)
   over 1,000,000 events read from the database, vs a bare SHA-256 pass over the same canonical
   bytes. Rows are fetched in batches; only the in-memory work is timed.   goal ≤ 10×, ≤ 5 s
3. Inclusion proof at 1,000,000 events (subtree roots cached), and checkpoints there.
                                                                           goal ≤ 1 ms

BENCH_AUDIT_EVENTS overrides the 1,000,000 (e.g. for a quick run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import statistics
import time
from typing import Any

APPENDS = 4000
ROUNDS = 8
BATCH = 50_000


def run() -> None:
    from django.conf import settings
    from django.db import connection

    settings.ARML_CHECKPOINT_EVERY = 0  # checkpoints are measured on their own below
    settings.ARML_CHECKPOINT_MINUTES = 0
    # As in production: with DEBUG on, Django's cursor wrapper formats and keeps every query,
    # which the raw baseline does not pay (a tenth of an append's time on SQLite).
    settings.DEBUG = False
    total = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
    print(f"database: {connection.vendor}")
    _bench_appends(connection)
    _insert_synthetic(connection, total)
    _bench_verify_core()
    _bench_proofs()


# 1. Appends ---------------------------------------------------------------------------------


def _event_row(seq: int, prev: str, when: dt.datetime, arml_id: int | None) -> tuple[Any, ...]:
    from audit.canonical import canonical_text, format_time

    return (
        "action_plan.approved",
        None,
        "",
        "",
        arml_id,
        f"Approuvé en séance n°{seq}",
        canonical_text({"transition": "approve", "budget": "12000.00"}),
        canonical_text([{"sha256": "ab" * 32, "version_id": seq}]),
        "opinion_given",
        str(seq),
        f"Plan d'action n°{seq}",
        "governance.actionplan",
        prev,
        None,
        "",
        "",
        "192.0.2.10",
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0",
        seq,
        format_time(when),
        "approved",
    )


COLUMNS = (
    "action, actor_id, actor_name, actor_roles, arml_id, comment, data_json, documents_json, "
    "from_state, object_id, object_label, object_type, prev_hash, principal_id, principal_name, "
    "principal_roles, request_ip, request_user_agent, seq, time, to_state, hash"
)


def _db_time(vendor: str, text: str) -> str:
    # SQLite keeps Django's "YYYY-MM-DD HH:MM:SS.ffffff" (UTC); PostgreSQL takes ISO 8601.
    return text.replace("T", " ")[:26] if vendor == "sqlite" else text


def _bench_appends(connection: Any) -> None:
    from audit.canonical import GENESIS_HASH, event_hash
    from audit.services import append
    from governance.organisations.models import Arml, Region

    region = Region.objects.create(code="B01", name="Bench region")
    arml = Arml.objects.create(region=region, name="Bench ARML", short_name="BENCH")
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "CREATE TABLE bench_raw_chain (LIKE audit_auditevent INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS INCLUDING INDEXES)"
            )
        else:
            # The same table and indexes as the ledger's (as LIKE … INCLUDING INDEXES does on
            # PostgreSQL), without its triggers: a baseline with fewer indexes to maintain
            # would measure the indexes, not the append path.
            cursor.execute(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'audit_auditevent' "
                "AND type IN ('table', 'index') AND sql IS NOT NULL"
            )
            for kind, statement in sorted(cursor.fetchall(), key=lambda r: r[0] != "table"):
                statement = statement.replace('"audit_auditevent"', '"bench_raw_chain"')
                if kind == "index":
                    statement = statement.replace('INDEX "', 'INDEX "bench_raw_', 1)
                cursor.execute(statement)
    connection.ensure_connection()
    raw = connection.connection  # the DB-API connection under Django's
    placeholder = ", ".join(["%s" if vendor == "postgresql" else "?"] * 22)
    sql = f"INSERT INTO bench_raw_chain ({COLUMNS}) VALUES ({placeholder})"
    # Interleaved rounds, so that a change of load on a shared machine weighs on both sides.
    raw_time = orm_time = 0.0
    prev, seq = GENESIS_HASH, 0
    for _ in range(ROUNDS):
        autocommit_was = connection.get_autocommit()
        connection.set_autocommit(False)
        try:
            cursor = raw.cursor()
            start = time.perf_counter()
            for _ in range(APPENDS // ROUNDS):
                seq += 1
                row = _event_row(seq, prev, dt.datetime.now(dt.UTC), arml.pk)
                prev = event_hash(row)
                cursor.execute(sql, (*row[:19], _db_time(vendor, row[19]), row[20], prev))
                raw.commit()
            raw_time += time.perf_counter() - start
            cursor.close()
        finally:
            connection.set_autocommit(autocommit_was)
        start = time.perf_counter()
        for n in range(APPENDS // ROUNDS):
            append(
                action="action_plan.approved",
                arml=arml,
                comment=f"Approuvé en séance n°{n}",
                data={"transition": "approve", "budget": "12000.00"},
                documents=[{"version_id": n + 1, "sha256": "ab" * 32}],
                from_state="opinion_given",
                to_state="approved",
                request_info={"ip": "192.0.2.10", "user_agent": "Firefox"},
            )
        orm_time += time.perf_counter() - start
    raw_rate, orm_rate = APPENDS / raw_time, APPENDS / orm_time
    print(
        f"appends: raw {raw_rate:,.0f}/s, audit.append {orm_rate:,.0f}/s, "
        f"ratio {orm_rate / raw_rate:.2f}× (goal ≥ 0.5×)"
    )


# 2. Verification ----------------------------------------------------------------------------


def _insert_synthetic(connection: Any, total: int) -> None:
    """Extend the chain to `total` events with raw inserts (appending a million through the
    ORM would only measure the ORM again)."""
    from audit.canonical import event_hash
    from audit.models import ChainHead

    head = ChainHead.objects.get()
    seq, prev = head.seq, head.hash
    vendor = connection.vendor
    placeholder = ", ".join(["%s"] * 22)
    sql = f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES ({placeholder})"
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    start = time.perf_counter()
    while seq < total:
        batch = []
        for _ in range(min(BATCH, total - seq)):
            seq += 1
            row = _event_row(seq, prev, base + dt.timedelta(seconds=seq, microseconds=seq), None)
            prev = event_hash(row)
            batch.append((*row[:19], _db_time(vendor, row[19]), row[20], prev))
        with connection.cursor() as cursor:
            cursor.executemany(sql, batch)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    print(f"setup: {seq:,} events in the ledger ({time.perf_counter() - start:.1f} s to insert)")


def _bench_verify_core() -> None:
    from audit.canonical import event_bytes
    from audit.chain import ChainState, walk
    from audit.merkle import Frontier
    from audit.verification import ledger_rows

    state = ChainState(frontier=Frontier())
    core = bare = 0.0
    fetch_start = time.perf_counter()
    rows_iter = ledger_rows(chunk_size=BATCH)
    events = 0
    sha256 = hashlib.sha256
    while True:
        batch = [row for _, row in zip(range(BATCH), rows_iter, strict=False)]
        if not batch:
            break
        events += len(batch)
        encoded = [event_bytes(row) for row in batch]
        start = time.perf_counter()
        for data in encoded:
            sha256(data).digest()
        bare += time.perf_counter() - start
        start = time.perf_counter()
        failure = walk(batch, state)
        core += time.perf_counter() - start
        if failure is not None:
            raise SystemExit(f"bench ledger does not verify: {failure}")
    wall = time.perf_counter() - fetch_start
    print(
        f"verify core over {events:,} events: {core:.2f} s vs bare SHA-256 {bare:.2f} s, "
        f"ratio {core / bare:.1f}× (goals ≤ 10×, ≤ 5 s); with fetching {wall:.1f} s"
    )


# 3. Proofs ----------------------------------------------------------------------------------


def _bench_proofs() -> None:
    from audit.checkpoints import checkpoint_create
    from audit.models import ChainHead
    from audit.proofs import inclusion_proof
    from audit.tree import chunks_fill

    size = ChainHead.objects.get().seq
    start = time.perf_counter()
    added = chunks_fill(size - 1000)
    fill = time.perf_counter() - start
    # The first checkpoint records the hashes of every event so far; later ones, every
    # ARML_CHECKPOINT_EVERY events or ARML_CHECKPOINT_MINUTES, those since the previous one.
    start = time.perf_counter()
    checkpoint_create(tree_size=size - 1000)
    first = time.perf_counter() - start
    start = time.perf_counter()
    checkpoint = checkpoint_create()
    made = time.perf_counter() - start
    rng = random.Random(4)
    times = []
    for _ in range(101):
        seq = rng.randint(1, size)
        start = time.perf_counter()
        proof = inclusion_proof(seq)
        times.append((time.perf_counter() - start) * 1000)
        assert proof.verify() and proof.root_hash == checkpoint.root_hash
    print(
        f"proofs at {size:,} events: caching {added:,} subtree roots {fill:.1f} s (once), "
        f"first signed and time-stamped checkpoint {first:.1f} s, the next 1,000 events later "
        f"{made * 1000:.0f} ms; inclusion proof median {statistics.median(times):.2f} ms "
        f"(max {max(times):.1f} ms; goal ≤ 1 ms)"
    )
