"""Production: settings from the environment, `check --deploy` clean, refusals, logging."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ARML_KEY_ENCRYPTION_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="arml.example,127.0.0.1",
        CSRF_TRUSTED_ORIGINS="https://arml.example",
        ARML_TRUSTED_PROXIES="1",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
        EMAIL_URL="smtp+tls://arml:secret@smtp.arml.example:587",
        DEFAULT_FROM_EMAIL="ne-pas-repondre@arml.example",
        ARML_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )


def test_check_deploy_finds_nothing_under_production_variables(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr


def test_production_settings_come_from_the_environment(tmp_path):
    env = production_env(
        tmp_path, SECURE_HSTS_SECONDS="600", SECURE_SSL_REDIRECT="0", SERVER_EMAIL="x@arml.example"
    )
    code = (
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.SERVER_EMAIL, "
        "s.MAILERS['default']['OPTIONS']['host'], s.MAILERS['default']['OPTIONS']['use_tls'], "
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1])"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", "600", "False", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')",
        "['https://arml.example']", "x@arml.example", "smtp.arml.example", "True",
        "CompressedManifestStaticFilesStorage",
    ]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789"}, "SECRET_KEY"),
        ({"SECRET_KEY": "change-me-python3-c-import-secrets-print-token_urlsafe-50"}, "SECRET_KEY"),
        ({"ARML_KEY_ENCRYPTION_KEY": None}, "ARML_KEY_ENCRYPTION_KEY"),
        ({"DEBUG": None, "SECRET_KEY": None}, "SECRET_KEY"),  # DEBUG defaults to off
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS"),
        ({"EMAIL_URL": "pigeon://coop"}, "EMAIL_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"ARML_TRUSTED_PROXIES": "-1"}, "ARML_TRUSTED_PROXIES"),
    ],
)
def test_start_up_refuses_a_bad_configuration_without_a_traceback(tmp_path, change, named):
    env = production_env(tmp_path)
    for key, value in change.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    result = manage("check", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error:") and named in result.stderr
    assert "Traceback" not in result.stderr




def test_a_missing_postgresql_database_says_how_to_create_it(tmp_path):
    env = production_env(
        tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/arml_ops_does_not_exist"
    )
    result = manage("migrate", env=env)
    if "Cannot reach PostgreSQL" in result.stderr:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    assert result.returncode == 2, result.stderr
    assert "createdb -h 127.0.0.1 -p 5432 -U postgres arml_ops_does_not_exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_each_log_line_is_printed_once(tmp_path):
    env = production_env(tmp_path, DEBUG="1")
    code = (
        "import logging; logging.getLogger('django.request').warning('marker-%s', 42); "
        "logging.getLogger('django.server').info('served-%s', 7); "
        "logging.getLogger('governance').warning('ours-%s', 9)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    for marker in ("marker-42", "served-7", "ours-9"):
        assert result.stderr.count(marker) == 1, result.stderr
    assert "WARNING django.request: marker-42" in result.stderr
