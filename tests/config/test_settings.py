import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, parse_database_url, parse_email_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/db",
        "postgres://u@host:notaport/db",
        "postgres://u@host:5432/",
        "sqlite://",
    ],
)
def test_it_refuses_malformed_database_urls_naming_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url)


def test_it_parses_postgres_and_sqlite_urls():
    pg = parse_database_url("postgres://alice:s%40cret@db.example:6543/arml?sslmode=require")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "alice",
        "s@cret",
        "db.example",
        "6543",
        "arml",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    assert parse_database_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"


def test_it_refuses_a_non_boolean_debug(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", True)


def test_manage_py_reports_a_bad_database_url_without_a_traceback():
    env = {**os.environ, "DATABASE_URL": "postgres://u@host:notaport/db"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("Off", False), ("", False)]
)
def test_booleans_read_yes_or_no(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_a_malformed_integer_names_its_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25)


def test_lists_are_comma_separated_and_trimmed(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " arml.example , www.arml.example,")
    assert env_list("ALLOWED_HOSTS", []) == ["arml.example", "www.arml.example"]


def test_an_email_url_becomes_a_mailer():
    mailer = parse_email_url("smtp+tls://arml%40example.org:s%3Acret@smtp.example.org:587")
    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.org",
            "port": 587,
            "username": "arml@example.org",
            "password": "s:cret",
            "use_tls": True,
            "use_ssl": False,
        },
    }
    assert parse_email_url("consolemail://") == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


@pytest.mark.parametrize("url", ["pigeon://coop", "smtp://"])
def test_a_bad_email_url_names_its_variable(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url(url)
