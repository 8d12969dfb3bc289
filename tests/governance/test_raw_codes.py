"""Every page of the demo, as each persona, shows French words and never a raw code.

The pages come from the URLconf and the demo's objects (tests/pagecrawl.py walks every link
from the home page); a GET page no persona reaches fails the test unless it is named in
NOT_PAGES or below, with the reason.

The demo is played as of CRAWLED_ON, once the CPOM's first year has ended: its financial
reports are open and through their circuit, so their pages are walked too (played on a day of
2026, the demo has none yet).
"""

import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from governance.organisations.models import Person
from tests import pagecrawl

pytestmark = pytest.mark.django_db

CRAWLED_ON = dt.datetime(2027, 9, 15, 9, tzinfo=dt.UTC)
PERSONAS = (
    "presidente",
    "tresorier",
    "directrice",
    "secretaire",
    "etat",
    "region",
    "auditeur",
    "dir-brest",
    "president-ct",
)

#: Pages of objects the demo does not hold (model label): checked to be absent, so that the day
#: the demo holds one, its pages are walked too.
ABSENT_FROM_DEMO = {
    "extract_request_detail": "governance.ExtractRequest",
    "programme_detail": "governance.Programme",
    "programme_edit": "governance.Programme",
    "programme_action_create": "governance.Programme",
    "programme_action_edit": "governance.Programme",
}
#: Pages the state of the demo closes to everyone (their link appears only when they apply).
CLOSED_IN_DEMO = {
    "amendment_create": "the demo's amendment of the year awaits its countersignatures",
    "amendment_edit": "the demo's amendment is adopted: its content is frozen",
    "convention_edit": "the CPOM is signed",
    "meeting_second_convocation": "no meeting lacked its quorum",
    "api-docs": "the API's documentation (English, generated)",
    "api-redoc": "the API's documentation (English, generated)",
    "api-schema": "the API's schema",
    "profile_totp": "reached by POST from the profile (a new secret), the demo's signers enrolled",
}


@time_machine.travel(CRAWLED_ON, tick=False)
def test_every_page_of_the_demo_shows_no_raw_code(client):
    call_command("demo", verbosity=0)
    problems, reached = [], set()
    for username in PERSONAS:
        client.force_login(Person.objects.get(username=username))
        for path, status, html in pagecrawl.walk(client):
            reached.add(pagecrawl.url_name(path.split("?")[0]))
            if status in (301, 302):
                continue
            if status != 200:
                problems.append(f"{username} {path}: HTTP {status}")
                continue
            for problem in pagecrawl.raw_codes(pagecrawl.visible_text(html)):
                problems.append(f"{username} {path}: {problem}")
        client.logout()
    assert not problems, "\n".join(sorted(set(problems)))
    for name, label in ABSENT_FROM_DEMO.items():
        assert not apps.get_model(label).objects.exists(), f"walk {name}: the demo has one now"
    unreached = pagecrawl.unreached_patterns(reached, excused=[*ABSENT_FROM_DEMO, *CLOSED_IN_DEMO])
    assert not unreached, f"pages no persona reached: {unreached}"


def test_the_walk_finds_what_it_must_find():
    text = pagecrawl.visible_text(
        "<main><td>convention.countersigned</td><td>in_consultation → draft</td>"
        "<p>governance.meeting 1</p><p>For the ARML, its president</p>"
        "<a href='/x.pdf' title='proces-verbal.pdf'>Télécharger</a></main>"
    )
    found = pagecrawl.raw_codes(text)
    assert any("convention.countersigned" in p for p in found)
    assert any("in_consultation" in p for p in found)
    assert any("governance.meeting 1" in p for p in found)
    assert not any(".pdf" in p for p in found)
