"""Server time and query count of the main pages (issue 15), with the demo and with ten times
its data (`demo --scale 10`: ten populated ARMLs). Goals: median ≤ 15 ms with the demo, ≤ 25 ms
at scale 10.

Each page is requested in-process through Django's test client, logged in as the person whose
page it is, ROUNDS times after a warm-up; the time is Django's whole handling (middleware,
view, templates), without the network. Queries are counted on one more request.
Run alone: `.venv/bin/python -m benchmarks bench_pages` (DATABASE_URL=postgres://… for PostgreSQL).
"""

from __future__ import annotations

import os
import statistics
import time

ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "15"))
SCALES = [int(s) for s in os.environ.get("BENCH_PAGE_SCALES", "1,10").split(",")]
GOALS_MS = {1: 15.0, 10: 25.0}


def pages() -> list[tuple[str, str, str]]:
    """(name, username, path) of the pages measured, on the demo's Bretagne ARML."""
    from governance.action_plans.models import ActionPlan
    from governance.conventions.models import Convention
    from governance.meetings.models import Meeting
    from governance.organisations.models import Arml

    arml = Arml.objects.get(region__code="53")
    convention = Convention.objects.filter(arml=arml).order_by("pk").first()
    meeting = Meeting.objects.filter(body__arml=arml).order_by("pk").first()
    plan = ActionPlan.objects.filter(arml=arml).order_by("pk").first()
    return [
        ("home", "directrice", "/"),
        ("inbox", "etat", "/"),
        ("convention", "presidente", f"/conventions/{convention.pk}/"),
        ("meeting", "presidente", f"/seances/{meeting.pk}/"),
        ("action plan", "president-ct", f"/plans-action/{plan.pk}/"),
        ("journal", "auditeur", "/journal/"),
    ]


def measure(rounds: int = ROUNDS) -> list[tuple[str, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from governance.organisations.models import Person

    results = []
    for name, username, path in pages():
        client = Client()
        client.force_login(Person.objects.get(username=username))
        response = client.get(path)  # warm-up: caches, templates
        assert response.status_code == 200, (path, response.status_code)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        results.append((name, statistics.median(times), len(queries)))
    return results


def run() -> None:
    from django.test.utils import override_settings

    from fixtures import demo

    quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    for scale in SCALES:
        start = time.perf_counter()
        with override_settings(MAILERS=quiet):
            demo.load(scale=scale)
        loaded = time.perf_counter() - start
        goal = GOALS_MS.get(scale, GOALS_MS[10])
        print(f"  demo --scale {scale} (loaded in {loaded:.0f} s), median of {ROUNDS}:")
        for name, median, queries in measure():
            mark = "ok" if median <= goal else "over"
            print(
                f"    {name:12} {median:6.1f} ms  {queries:3d} queries  (goal ≤ {goal:.0f} ms: {mark})"
            )
