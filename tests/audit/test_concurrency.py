import threading

import pytest
from django.db import connection

from audit.models import AuditEvent
from audit.services import append
from audit.verification import verify_ledger
from tests.conftest import on_postgres


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_stay_gapless_and_chained(ledger_purge, settings):
    if not on_postgres():
        pytest.skip("needs PostgreSQL row locks and real concurrent connections")
    settings.ARML_CHECKPOINT_EVERY = 0
    errors = []
    barrier = threading.Barrier(4)

    def worker(n):
        try:
            barrier.wait()
            for i in range(n):
                append(action="x.concurrent", comment=f"{threading.get_ident()} {i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in (13, 13, 12, 12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(AuditEvent.objects.values_list("seq", flat=True).order_by("seq")) == list(
        range(1, 51)
    )
    report = verify_ledger(documents=False)
    assert report.ok and report.events == 50
