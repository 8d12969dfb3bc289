import io

import pytest
from django.core.management import call_command

from audit.services import append
from config.progress import progress


def test_it_shows_the_count_when_enabled():
    out = io.StringIO()
    with progress(40, "Counting", stream=out, enabled=True) as advance:
        for done in range(1, 41):
            advance(done)
    text = out.getvalue()
    assert "Counting" in text and "40/40" in text and "100 %" in text


def test_it_stays_silent_off_a_terminal():
    out = io.StringIO()
    with progress(40, "Counting", stream=out) as advance:
        advance(20)
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_audit_verify_shows_its_progress_when_asked():
    for _ in range(3):
        append(action="arml.viewed")
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "verify", "--progress", "--no-documents", stdout=out, stderr=err)
    assert "Verifying the ledger" in err.getvalue() and "3/3" in err.getvalue()
    assert "3" in out.getvalue()
