"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's
live server, an axe-core check of every page loaded, and a screenshot of every step under
artifacts/e2e/<test name>/NN-step.png.

No browser is ever downloaded: the tests use /usr/bin/chromium (or $E2E_CHROMIUM) and are
skipped, with the reason, when it or Playwright is missing — unless $E2E_REQUIRE_BROWSER is set
(as .ci/run does), when that stops the run.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not any(item.get_closest_marker("e2e") for item in items):
        return
    reason = _unavailable()
    if reason is None:
        return
    if os.environ.get("E2E_REQUIRE_BROWSER"):  # CI: a missing browser is a failure, not a skip
        raise pytest.UsageError(reason)
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.skip(reason=reason))


def _unavailable() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"browser tests need the dev extras (pip install -e '.[dev]'): {exc}"
    return None


@pytest.fixture(autouse=True)
def _signing_asks_a_second_factor(second_factor_on: None) -> None:
    """The browser tests sign as in production: behind the second-factor confirmation form
    (Ui.press fills it with the code of the demo secret the casts are enrolled with)."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium per test module. Not per session: Playwright's sync API keeps an event
    loop running in the test's thread while it lives, and the tests that run after (pyHanko's
    signing calls asyncio.run()) must find none."""
    from playwright.sync_api import sync_playwright

    # While the loop runs, Django would refuse the ORM calls of the fixtures and assertions.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class AccessibilityError(AssertionError):
    pass


class Ui:
    """One browser tab with the habits of the e2e tests: every page loaded gets an axe check,
    every step a numbered full-page screenshot."""

    def __init__(self, page: Any, base_url: str, folder: Path) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.person: Any = None  # who is logged in (their second factor confirms signatures)
        self.base_url = base_url.rstrip("/")
        self.folder = folder
        self.axe = Axe()
        self.steps = 0
        self.loads: list[str] = []  # every document load, recorded by the page's "load" event
        self.checked: set[int] = set()  # indexes of the loads that axe checked
        self.digests: set[str] = set()  # the documents axe checked, by their SHA-256
        self.axe_runs = 0
        # (rule, impact, help, help URL, target) → the steps where axe found it
        self.problems: dict[tuple[str, str, str, str, str], list[str]] = {}
        page.on("load", lambda p: self.loads.append(p.url))

    # -- navigation --------------------------------------------------------------------
    def goto(self, path: str, step: str) -> None:
        self.page.goto(self.base_url + path)
        self.step(step)

    def submit(self, locator: Any, step: str) -> None:
        """Click a submit button (or link) and wait for the page it leads to."""
        with self.page.expect_navigation():
            locator.click()
        self.step(step)

    def follow(self, name: str | re.Pattern[str], step: str, *, within: Any = None) -> None:
        scope = within if within is not None else self.page
        self.submit(scope.get_by_role("link", name=name).first, step)

    def press(self, name: str | re.Pattern[str], step: str) -> None:
        self.submit(self.page.get_by_role("button", name=name, exact=True), step)
        if self.page.locator("#otp").count() and "Confirmer votre signature" in self.page.title():
            self.confirm_signature(step)

    def confirm_signature(self, step: str) -> None:
        """The act signs: type the current code of the logged-in person's authenticator (the
        demo secret), as they would, and sign."""
        import time

        from django_otp.plugins.otp_totp.models import TOTPDevice

        from workflows.second_factor import current_code

        device = TOTPDevice.objects.get(user=self.person, confirmed=True)
        # django-otp never accepts a time step twice: after a signature in the same 30 s, wait.
        while int((time.time() - device.t0) // device.step) <= device.last_t:
            time.sleep(1)
        self.page.get_by_label("Code de votre second facteur").fill(current_code(device))
        self.submit(
            self.page.get_by_role("button", name="Confirmer et signer", exact=True),
            f"{step}-confirmed",
        )

    # -- login ---------------------------------------------------------------------------
    def login(self, person: Any, password: str = "secret-pass-123") -> None:
        if not self.page.url.startswith(self.base_url + "/connexion/"):
            self.goto("/connexion/", "login")
        self.page.get_by_label(re.compile(r"^Nom d.utilisateur")).fill(person.username)
        self.page.get_by_label("Mot de passe").fill(password)
        self.press("Se connecter", f"home-{person.username}")
        self.expect_text(f"Bienvenue, {person.get_full_name()}")
        self.person = person

    def logout(self) -> None:
        self.press("Se déconnecter", "logged-out")
        self.expect_text("Se connecter")

    # -- checks ----------------------------------------------------------------------------
    def step(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self._axe(name)
        self.steps += 1
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
        self.page.screenshot(path=self.folder / f"{self.steps:02d}-{slug}.png", full_page=True)

    def _axe(self, name: str) -> None:
        load = len(self.loads) - 1
        if load in self.checked:
            return  # this document was checked already (same load, another step)
        # A document identical to one already checked (but for its CSRF token) needs no new run.
        html = re.sub(
            r'value="[^"]*" name="csrfmiddlewaretoken"|name="csrfmiddlewaretoken" '
            r'value="[^"]*"',
            "",
            self.page.content(),
        )
        digest = hashlib.sha256(html.encode()).hexdigest()
        self.checked.add(load)
        if digest in self.digests:
            return
        self.digests.add(digest)
        results = self.axe.run(self.page)
        self.axe_runs += 1
        for violation in results.response["violations"]:
            if violation.get("impact") not in BLOCKING_IMPACTS:
                continue
            for node in violation["nodes"]:
                key = (
                    violation["id"],
                    violation["impact"],
                    violation["help"],
                    violation["helpUrl"].split("?")[0],
                    " ".join(map(str, node["target"])),
                )
                self.problems.setdefault(key, []).append(f"{name} ({self.page.url})")

    def text(self) -> str:
        """The page's visible text, with the thin and non-breaking spaces of French numbers
        turned into plain spaces."""
        body = self.page.locator("body").inner_text()
        return re.sub(r"[\u00a0\u202f]", " ", body)

    def expect_text(self, *needles: str) -> None:
        text = self.text()
        missing = [n for n in needles if n not in text]
        assert not missing, f"not on {self.page.url}: {missing}\n---\n{text[:3000]}"

    def state_label(self) -> str:
        return self.page.locator(".badge-state").inner_text().strip()

    def finish(self) -> None:
        unchecked = [url for i, url in enumerate(self.loads) if i not in self.checked]
        assert not unchecked, f"pages loaded without an axe check: {unchecked}"
        if self.problems:
            lines = [
                f"- {impact}: {rule} — {help_text} ({url})\n  target: {target}\n"
                f"  on {len(steps)} page(s), first: {steps[0]}"
                for (rule, impact, help_text, url, target), steps in self.problems.items()
            ]
            raise AccessibilityError(
                "axe found serious or critical violations:\n" + "\n".join(lines)
            )


@pytest.fixture
def ui(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Ui]:
    folder = Path(request.config.rootpath) / "artifacts" / "e2e" / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    tab = Ui(page, live_server.url, folder)
    yield tab
    report = getattr(request.node, "e2e_call_report", None)
    if report is not None and report.failed:
        page.screenshot(path=folder / "failure.png", full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.e2e_call_report = report  # type: ignore[attr-defined]
    return report
