"""Two meetings of the same board closing at the same time: register numbers stay gapless and
unique (PostgreSQL row locks; skipped on SQLite)."""

import threading

import pytest
from django.db import connection, connections  # noqa: F401 (connection: read by skipif)

from audit.verification import verify_ledger
from governance.meetings.models import Deliberation, Meeting
from workflows.engine import perform

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_purge"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL row locks"),
]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # collected and asserted on below
            results[i] = exc
        finally:
            connections.close_all()  # this thread's connections: the test database must drop

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_two_meetings_closing_together_get_distinct_consecutive_numbers(board):
    items = [{"title": f"Point {i}"} for i in range(3)]
    meetings = [board.in_session(board.plan(days_ahead=20 + i, items=items)) for i in range(2)]
    for meeting in meetings:
        for item in meeting.items.all():
            board.vote_all(meeting, {p: "for" for p in board.members}, item)
    results = run_together(
        *[
            (lambda m=m: perform(Meeting.objects.get(pk=m.pk), "close", actor=board.president))
            for m in meetings
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    rows = Deliberation.objects.filter(adopted=True)
    by_year: dict[int, list[int]] = {}
    for d in rows:
        by_year.setdefault(d.year, []).append(d.sequence)
    for sequences in by_year.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
    assert rows.count() == 6 and len(set(rows.values_list("number", flat=True))) == 6
    for meeting in meetings:  # each meeting's numbers are one block, in agenda order
        own = list(
            Deliberation.objects.filter(meeting=meeting)
            .order_by("item__order")
            .values_list("sequence", flat=True)
        )
        assert own == sorted(own) and own[-1] - own[0] == 2
    report = verify_ledger()
    assert report.ok, report.failures
