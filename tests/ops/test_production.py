"""Production: settings from the environment, `check --deploy` clean, the serving command."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

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
        ARML_LEDGER_WITNESS_DIR=str(tmp_path / "witness"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def example_env():
    """deploy/arml.env.example, its change-me secrets replaced by random ones."""
    values = {}
    for line in (ROOT / "deploy" / "arml.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            value = value.strip('"')
            values[key] = secrets.token_urlsafe(50) if value.startswith("change-me") else value
    return values


@pytest.mark.parametrize("variables", ["the tests'", "deploy/arml.env.example"])
def test_check_deploy_finds_nothing_under_production_variables(tmp_path, variables):
    env = production_env(tmp_path)
    if variables == "deploy/arml.env.example":
        env.update(example_env())
        env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", ARML_VAR_DIR=str(tmp_path))
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
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
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1], "
        "s.ARML_SECOND_FACTOR_REQUIRED, s.ARML_SECOND_FACTOR_MINUTES)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "600",
        "False",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "['https://arml.example']",
        "x@arml.example",
        "smtp.arml.example",
        "True",
        "CompressedManifestStaticFilesStorage",
        "True",  # a second factor before every signature, by default
        "10",  # minutes one confirmation lasts
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # The tests' variables: the name in CSRF_TRUSTED_ORIGINS (ARML_BASE_URL is an address).
        ({}, "arml.example Gouvernance ARML ['https://arml.example']"),
        (
            {
                "ARML_BASE_URL": "https://gouvernance.arml.fr",
                "CSRF_TRUSTED_ORIGINS": "https://gouvernance.arml.fr,https://autre.example",
                "ARML_WEBAUTHN_RP_NAME": "ARML Bretagne",
            },
            "gouvernance.arml.fr ARML Bretagne ['https://gouvernance.arml.fr']",
        ),
        (
            {
                "ARML_WEBAUTHN_RP_ID": "arml.fr",
                "ARML_WEBAUTHN_ORIGINS": "https://a.arml.fr,https://b.arml.fr",
            },
            "arml.fr Gouvernance ARML ['https://a.arml.fr', 'https://b.arml.fr']",
        ),
        # Development: 127.0.0.1 cannot be a passkey's domain, localhost can.
        (
            {"DEBUG": "1", "ALLOWED_HOSTS": "127.0.0.1,localhost", "CSRF_TRUSTED_ORIGINS": ""},
            "localhost Gouvernance ARML ['http://localhost:8000']",
        ),
    ],
)
def test_the_passkeys_relying_party_comes_from_the_site_address(tmp_path, extra, expected):
    env = production_env(tmp_path, **extra)
    code = (
        "from django.conf import settings as s; print(s.OTP_WEBAUTHN_RP_ID, "
        "s.OTP_WEBAUTHN_RP_NAME, s.OTP_WEBAUTHN_ALLOWED_ORIGINS)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


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
        # Signing under the signer's sole control cannot be turned off in production.
        ({"ARML_SECOND_FACTOR_REQUIRED": "0"}, "ARML_SECOND_FACTOR_REQUIRED"),
        # Browsers run the passkey ceremony on secure origins only.
        ({"ARML_WEBAUTHN_ORIGINS": "http://arml.example"}, "ARML_WEBAUTHN_ORIGINS"),
    ],
)
def test_serving_refuses_a_bad_configuration_without_a_traceback(tmp_path, change, named):
    env = production_env(tmp_path)
    for key, value in change.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["PYTHON"] = sys.executable
    result = subprocess.run(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error:") and named in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_defaults_to_on_for_the_development_server_only(tmp_path):
    env = {
        k: v
        for k, v in production_env(tmp_path).items()
        if k not in {"DEBUG", "SECRET_KEY", "ARML_KEY_ENCRYPTION_KEY"}
    }
    # The settings load (DEBUG on, development keys), then runserver refuses the address.
    started = manage("runserver", "not-an-address", env=env)
    assert started.returncode == 1 and "is not a valid port number" in started.stderr
    refused = manage("migrate", "--help", env=env)  # any other command: DEBUG off, keys needed
    assert refused.returncode == 2 and "SECRET_KEY" in refused.stderr


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


# The serving command, for real: gunicorn on PostgreSQL ------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Just enough of a browser behind our TLS proxy: X-Forwarded-Proto, cookies (Secure ones
    included: the proxy's side is HTTPS), no redirects followed."""

    def __init__(self, base):
        self.base, self.cookies = base, {}
        self.origin = base.replace("http://", "https://")

    def request(self, path, data=None, headers=None, proto="https"):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("X-Forwarded-Proto", proto)
        request.add_header("X-Forwarded-For", "198.51.100.9")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            request.add_header("Origin", self.origin)
            request.add_header("Referer", self.origin + path)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, response.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def serve_database():
    """A database of its own for the server (the test database stays the tests')."""
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_serve"[:60]
    params = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or "5432",
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = (
        f"{settings['USER']}:{settings['PASSWORD']}@"
        if settings["PASSWORD"]
        else f"{settings['USER']}@"
    )
    yield f"postgres://{user}{params['host']}:{params['port']}/{name}"
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="serves on PostgreSQL")
@pytest.mark.django_db
def test_the_serving_command_serves_pages_logins_and_static_files(tmp_path, serve_database):
    port = free_port()
    env = production_env(
        tmp_path,
        DATABASE_URL=serve_database,
        HOST="127.0.0.1",
        PORT=str(port),
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
        STATIC_ROOT=str(tmp_path / "static"),
        PYTHON=sys.executable,
    )
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(port, server, log)
        created = manage(
            "createsuperuser",
            "--noinput",
            "--username",
            "ops-admin",
            "--email",
            "ops@arml.example",
            env={**env, "DJANGO_SUPERUSER_PASSWORD": "ops-password-2026"},
        )
        assert created.returncode == 0, created.stderr
        browser = Browser(f"http://127.0.0.1:{port}")

        status, headers, _ = browser.request("/connexion/", proto="http")
        assert status == 301 and headers["Location"].startswith("https://")  # TLS only

        status, headers, body = browser.request("/connexion/")
        page = body.decode()
        assert status == 200 and "Se connecter" in page
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

        status, headers, _ = browser.request("/", proto="https")
        assert status == 302 and "/connexion/" in headers["Location"]  # behind login

        status, headers, _ = browser.request(
            "/connexion/",
            {
                "csrfmiddlewaretoken": token,
                "username": "ops-admin",
                "password": "ops-password-2026",
            },
        )
        assert status == 302, _
        assert "sessionid" in browser.cookies
        status, _, body = browser.request("/")
        assert status == 200 and "Bienvenue" in body.decode()

        css = re.search(r'href="(/static/css/arml\.[0-9a-f]{12}\.css)"', page).group(1)
        status, headers, body = browser.request(css, headers={"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]
        import gzip

        assert b".site-menu" in gzip.decompress(body)

        # The worker of deploy/arml-worker.service runs what the application enqueued.
        enqueued = manage("shell", "--no-imports", "-c", ENQUEUE, env=env)
        assert enqueued.returncode == 0, enqueued.stderr
        task_id = enqueued.stdout.strip()
        worked = subprocess.run(
            [str(ROOT / "scripts" / "worker"), "--batch", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert worked.returncode == 0, worked.stderr
        done = manage("shell", "--no-imports", "-c", RESULT.format(task_id), env=env)
        assert done.stdout.split() == ["SUCCESSFUL", "OUI"], done.stdout + done.stderr
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


ENQUEUE = "from tests.ops.test_tasks import shout; print(shout.enqueue('oui').id)"
RESULT = (
    "from django.tasks import default_task_backend as b; r = b.get_result({!r}); "
    "print(r.status, r.return_value)"
)


def _wait_for(port, server, log, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            pytest.fail(f"the server stopped (exit {server.returncode}):\n{log.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    log.seek(0)
    pytest.fail(f"the server did not listen within {timeout} s:\n{log.read()}")
