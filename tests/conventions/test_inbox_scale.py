"""The inbox runs the same number of queries for 10 and for 1,000 pending circuit tasks."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.conventions.models import Convention
from governance.organisations.models import Person
from workflows.flows.countersign import CountersignCircuit
from workflows.selectors import awaiting_for

pytestmark = pytest.mark.django_db


def pending_signatures(world, count):
    for _ in range(count):
        conv = Convention.objects.create(arml=world.arml, state="adopted")
        CountersignCircuit.start.run(obj=conv)


def measure(pk):
    user = Person.objects.get(pk=pk)
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        items = awaiting_for(user)
        elapsed = time.perf_counter() - start
    return len(ctx.captured_queries), len(items), elapsed


def test_inbox_queries_are_constant_from_10_to_1000_tasks(world, capsys):
    pending_signatures(world, 10)
    measure(world.president.pk)  # warm caches (content types, flow classes)
    few, n10, t10 = measure(world.president.pk)
    pending_signatures(world, 990)
    many, n1000, t1000 = measure(world.president.pk)
    assert (n10, n1000) == (10, 1000)
    assert many == few
    with capsys.disabled():
        print(
            f"\ninbox: 10 tasks → {few} queries, {t10 * 1000:.1f} ms; "
            f"1000 tasks → {many} queries, {t1000 * 1000:.1f} ms"
        )
