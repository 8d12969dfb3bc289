"""Issue 15: the main pages' query counts with the demo, the pages and people of
benchmarks/bench_pages.py. A page that reads the same rows twice again, or per object, fails
here (the benchmark measures the time; tests never do)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.organisations.models import Person

pytestmark = pytest.mark.django_db

#: page → the most queries it may send once the inbox is cached (it is, from the first page
#: the person opens until the ledger moves): measured, then pinned.
MOST = {
    "home": 9,
    "inbox": 9,
    "convention": 36,  # the demo's CPOM has a payment now: its corrections are prefetched
    "meeting": 27,
    "action plan": 13,
    "journal": 9,
}


def counts(html: str) -> list[str]:
    """The inbox groups' counts on the home page."""
    return re.findall(r'text-bg-secondary">(\d+)<', html)


def test_the_main_pages_queries_with_the_demo(settings):
    from audit.services import append
    from benchmarks.bench_pages import pages
    from fixtures import demo

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    demo.load()
    found = {}
    for name, username, path in pages():
        client = Client()
        client.force_login(Person.objects.get(username=username))
        assert client.get(path).status_code == 200, (name, path)  # computes the inbox once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        found[name] = len(queries)
    assert {name: n for name, n in found.items() if n > MOST[name]} == {}, found

    # The cached inbox follows the ledger: once an act is appended, the next page computes it
    # again (more queries), and lists the same tasks.
    client = Client()
    client.force_login(Person.objects.get(username="directrice"))
    with CaptureQueriesContext(connection) as warm:
        before = client.get("/").content.decode()
    append(action="test.ledger_moved")
    with CaptureQueriesContext(connection) as cold:
        after = client.get("/").content.decode()
    assert len(cold) > len(warm) + 5
    assert counts(after) == counts(before) and counts(before)
