"""What `make run` prints and loads: the demo's real address, passwords that pass the rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from fixtures.demo import DEMO_PASSWORD
from governance.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_prints_the_address_it_is_served_on_and_its_password_passes_the_rules(
    monkeypatch, capsys
):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8080")
    call_command("demo")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8080/" in out and ":8000" not in out
    people = list(Person.objects.all())
    assert len(people) > 20
    for person in people:
        validate_password(DEMO_PASSWORD, person)  # raises if the rules refuse it
        assert person.check_password(DEMO_PASSWORD)
