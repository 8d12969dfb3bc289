import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media" / "documents")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "fr"
    from django.core.cache import cache

    cache.clear()  # cached counts and reports never leak from one test to the next


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def ledger_purge(transactional_db):
    """For transaction=True tests: empty the ledger tables (append-only triggers lifted for the
    moment) before the test database is flushed, since the triggers refuse to empty them."""
    import importlib

    from django.db import connection as conn

    triggers = importlib.import_module("audit.migrations.0002_ledger_triggers")
    meetings = importlib.import_module("governance.migrations.0009_meetings_records_triggers")
    money = importlib.import_module("governance.migrations.0021_payments_append_only")
    yield
    meetings.purge(conn)  # deliberations, votes, attendance, proxies: guarded tables too
    money.purge(conn)  # payments and dues paid: written once too
    triggers.drop(conn)
    with conn.cursor() as cursor:
        for table in ("audit_auditevent", "audit_checkpoint", "audit_merklechunk"):
            cursor.execute(f"DELETE FROM {table}")
    triggers.install(conn)


@pytest.fixture
def second_factor_on(settings):
    """The second factor before signing, as in production (tests/settings.py turns it off for
    the rest of the suite)."""
    settings.ARML_SECOND_FACTOR_REQUIRED = True


def enrol_totp(person, secret: str = ""):
    """`person` enrolled with a confirmed TOTP device (the demo secret by default); returns it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from workflows.second_factor import DEMO_TOTP_SECRET, key_of

    return TOTPDevice.objects.create(
        user=person, name="app", key=key_of(secret or DEMO_TOTP_SECRET), confirmed=True
    )
