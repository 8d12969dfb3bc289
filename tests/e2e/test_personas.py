"""Issue 15, browser tests: each persona of the demo walks their main pages, at 1366 × 768 and at
390 × 844 (a phone), with an axe check of every page (no serious or critical violation), a
screenshot of every step (artifacts/e2e/<test>/), and no page wider than the phone's screen.

The demo is loaded once for the module and served by a live server of our own (pytest-django's
flushes the database after each test, which would mean loading the demo seven times)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from tests.e2e.conftest import TIMEOUT_MS, Ui

pytestmark = pytest.mark.e2e

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


def _purge_and_flush() -> None:
    """Empty the database the demo filled (the ledger's triggers lifted for the moment)."""
    import importlib

    from django.core.management import call_command
    from django.db import connection

    triggers = importlib.import_module("audit.migrations.0002_ledger_triggers")
    meetings = importlib.import_module("governance.migrations.0009_meetings_records_triggers")
    meetings.purge(connection)
    importlib.import_module("governance.migrations.0021_payments_append_only").purge(connection)
    triggers.drop(connection)
    with connection.cursor() as cursor:
        for table in ("audit_auditevent", "audit_checkpoint", "audit_merklechunk"):
            cursor.execute(f"DELETE FROM {table}")
    triggers.install(connection)
    call_command("flush", "--noinput", verbosity=0)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    from fixtures import demo

    media = tmp_path_factory.mktemp("media")
    storages = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media / "documents")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    name = str(connections["default"].settings_dict["NAME"])
    assert "memory" in name or "test" in name, f"not a test database: {name}"  # it is flushed
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            STORAGES=storages,
            LANGUAGE_CODE="fr",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}},
        ),
    ):
        demo.load()
        paths = _paths()
        override = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        for conn in override.values():
            conn.inc_thread_sharing()
        server = LiveServerThread("localhost", StaticFilesHandler, override, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield {"url": f"http://localhost:{server.port}", "paths": paths}
        finally:
            server.terminate()
            for conn in override.values():
                conn.dec_thread_sharing()
            _purge_and_flush()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _paths() -> dict[str, str]:
    from audit.models import AuditEvent
    from governance.action_plans.models import ActionPlan
    from governance.conventions.models import Convention
    from governance.dialogues.models import ManagementDialogue
    from governance.meetings.models import Meeting
    from governance.organisations.models import Arml

    arml = Arml.objects.get(region__code="53")
    return {
        "convention": Convention.objects.get(arml=arml).get_absolute_url(),
        "meeting": Meeting.objects.filter(arml=arml).first().get_absolute_url(),
        "dialogue": ManagementDialogue.objects.get(arml=arml).get_absolute_url(),
        "plan": ActionPlan.objects.filter(arml=arml, mission_locale__city="Brest")
        .order_by("pk")
        .first()
        .get_absolute_url(),
        "event": f"/journal/evenements/{AuditEvent.objects.order_by('-seq').first().seq}/",
    }


#: username → (name shown on the home page, main pages: (step, path or key of demo_site paths))
PERSONAS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "presidente": (
        "Annick Le Goff",
        [
            ("conventions", "/conventions/"),
            ("convention", "convention"),
            ("meetings", "/seances/"),
            ("meeting", "meeting"),
            ("register", "/registre/"),
            ("action plan", "plan"),
        ],
    ),
    "directrice": (
        "Sophie Kerdraon",
        [
            ("convention", "convention"),
            ("dialogues", "/dialogues/"),
            ("dialogue", "dialogue"),
            ("dashboard", "/tableau-de-bord/"),
            ("action plans", "/plans-action/"),
        ],
    ),
    "secretaire": (
        "Morgane Tanguy",
        [("meetings", "/seances/"), ("meeting", "meeting"), ("register", "/registre/")],
    ),
    "etat": (
        "Marc Delorme",
        [
            ("convention", "convention"),
            ("dialogue", "dialogue"),
            ("dashboard", "/tableau-de-bord/"),
        ],
    ),
    "region": (
        "Claire Morvan",
        [("conventions", "/conventions/"), ("convention", "convention"), ("dialogue", "dialogue")],
    ),
    "auditeur": (
        "Paul Vasseur",
        [
            ("journal", "/journal/"),
            ("event", "event"),
            ("convention", "convention"),
            ("register", "/registre/"),
        ],
    ),
    "dir-brest": (
        "Thierry Abgrall",
        [
            ("action plans", "/plans-action/"),
            ("action plan", "plan"),
            ("notifications", "/notifications/"),
        ],
    ),
}


@pytest.mark.django_db
def test_every_persona_is_a_person_of_the_demo():
    """Also what makes pytest-django create the test database for this module: it does so only
    when a collected test asks for one. (The persona tests do not: they would each run in a
    transaction, which SQLite's shared in-memory database would hold against the live server.)"""
    from fixtures.demo import ML_DIRECTORS, PEOPLE

    names = {f"{first} {last}" for first, last in [*PEOPLE.values(), *ML_DIRECTORS]}
    assert {name for name, _steps in PERSONAS.values()} <= names


@pytest.fixture(scope="module")
def chromium(demo_site, browser):
    """The browser, started after the demo is loaded: the demo signs documents with pyHanko,
    which calls asyncio.run(), impossible while Playwright's loop runs in this thread."""
    return browser


@pytest.mark.parametrize("username", list(PERSONAS))
def test_persona_walks_their_main_pages(demo_site, chromium, request, username):
    from fixtures.demo import DEMO_PASSWORD

    full_name, steps = PERSONAS[username]
    root = Path(request.config.rootpath) / "artifacts" / "e2e" / request.node.name
    shutil.rmtree(root, ignore_errors=True)
    problems: list[str] = []
    for size, (width, height) in SIZES.items():
        folder = root / size
        folder.mkdir(parents=True)
        context = chromium.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": width, "height": height}
        )
        context.set_default_timeout(TIMEOUT_MS)
        ui = Ui(context.new_page(), demo_site["url"], folder)
        try:
            ui.goto("/connexion/", "login")
            ui.page.get_by_label(re.compile(r"^Nom d.utilisateur")).fill(username)
            ui.page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
            ui.press("Se connecter", "home")
            ui.expect_text(f"Bienvenue, {full_name}")
            problems += _layout_problems(ui, size, "home")
            if size == "phone":
                _the_menu_folds(ui)
            for step, target in steps:
                path = demo_site["paths"].get(target, target)
                ui.goto(path, step)
                assert ui.page.locator("h1").count() == 1, f"{path}: one h1"
                problems += _layout_problems(ui, size, path)
            ui.finish()  # axe: no serious or critical violation on any page
        finally:
            context.close()
    assert not problems, problems


def _layout_problems(ui: Ui, size: str, where: str) -> list[str]:
    """At phone size nothing may be wider than the screen."""
    if size != "phone":
        return []
    width = ui.page.evaluate("document.documentElement.scrollWidth")
    screen = ui.page.evaluate("document.documentElement.clientWidth")
    return [f"{where}: {width} px wide on a {screen} px screen"] if width > screen else []


def _the_menu_folds(ui: Ui) -> None:
    """On a phone the menu is one "Menu" line until opened; opened, it lists the areas."""
    menu = ui.page.get_by_role("navigation", name="Menu principal")
    link = menu.get_by_role("link", name="Accueil")
    assert not link.is_visible()
    box = menu.bounding_box()
    assert box is not None and box["height"] < 80, box
    menu.locator("summary").click()
    assert link.is_visible()
    ui.step("menu opened")
    menu.locator("summary").click()
    assert not link.is_visible()
