"""Content Security Policy (issue 13, point 8): Django's own header on every page, and pages that
need no exception to it — no inline script without the request's nonce, no inline style, no
style="…" attribute, nothing loaded from another site. Checked by crawling the demo as each of
its people, following every link of every page reached."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

#: Links not followed: they leave the page layout (files, exports, the admin, the API) or act.
SKIP = re.compile(
    r"^/(admin|api|deconnexion|langue|static)/|/telecharger/|/export/|\.(pdf|csv|xlsx|ics|json)$"
)
PAGES_PER_PERSON = 120
PERSONAS = ("presidente", "secretaire", "directrice", "etat", "region", "auditeur", "dir-brest")


class Page(HTMLParser):
    """What the CSP cares about in one page: scripts, styles, style attributes, outside URLs,
    and the links to crawl next."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.problems: list[str] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "style" in a:
            self.problems.append(f'<{tag} style="{a["style"]}">')
        if tag == "style" and not a.get("nonce"):
            self.problems.append("<style> without a nonce")
        if tag == "script" and not a.get("src") and not a.get("nonce"):
            if a.get("type") not in ("application/json", "application/ld+json"):  # data, not code
                self.problems.append("inline <script> without a nonce")
        for name in ("src", "href"):
            url = a.get(name) or ""
            if tag != "a" and urlsplit(url).netloc:
                self.problems.append(f"<{tag} {name}={url}> loads from another site")
        if any(name.startswith("on") for name in a):
            self.problems.append(f"<{tag}> with an inline event handler")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def crawl(client: Client, start: str = "/") -> dict[str, list[str]]:
    """Every page reached from `start` (up to PAGES_PER_PERSON): path → its problems."""
    seen, queue, found = {start}, deque([start]), {}
    while queue and len(found) < PAGES_PER_PERSON:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        header = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in header, f"{path}: no CSP header ({header!r})"
        assert "'unsafe-inline'" not in header
        page = Page()
        page.feed(response.content.decode())
        found[path] = page.problems
        for href in page.links:
            url = urldefrag(href).url
            parts = urlsplit(url)
            if parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            if url not in seen:
                seen.add(url)
                queue.append(url)
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for the module in a transaction rolled back at the end."""
    from django.db import transaction

    from fixtures import demo as demo_data

    media = tmp_path_factory.mktemp("media")
    documents = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    documents["OPTIONS"] = {"location": str(media / "documents")}
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}},
        ),
    ):
        from django.conf import settings

        storages = {**settings.STORAGES, "documents": documents}
        with override_settings(STORAGES=storages), transaction.atomic():
            yield demo_data.load()
            transaction.set_rollback(True)


def test_the_login_page_carries_the_policy(client):
    response = client.get("/connexion/")
    header = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
    ):
        assert directive in header
    # The nonce is named only on a page that uses it: ours need none.
    assert "script-src 'self';" in header and "style-src 'self';" in header
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


@pytest.mark.parametrize("username", PERSONAS)
def test_every_demo_page_keeps_to_the_policy(demo, username):
    from governance.organisations.models import Person

    client = Client()
    client.force_login(Person.objects.get(username=username))
    pages = crawl(client)
    assert len(pages) > 5, pages.keys()
    bad = {path: problems for path, problems in pages.items() if problems}
    assert not bad, bad


def test_the_api_docs_load_only_this_sites_files(client):
    """Swagger UI in its split form: the page's scripts are files (the sidecar's, and the
    start-up script served by the view), its styles too; nothing comes from outside."""
    from tests.factories import PersonFactory

    client.force_login(PersonFactory())
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"]
    page = Page()
    page.feed(response.content.decode())
    assert page.problems == []
    html = response.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert len(scripts) == 3 and all(s.startswith("/") for s in scripts), scripts
    assert "<script>" not in html and "<style" not in html
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in s for s in scripts)
    start = client.get(scripts[-1])  # the start-up code
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in start.content
    assert b'"validatorUrl": null' in start.content


@override_settings(SECURE_CSP={})
def test_an_empty_policy_sends_no_header(client):
    """The setting is the switch: operators behind a proxy that sets its own can empty it."""
    assert "Content-Security-Policy" not in client.get("/connexion/").headers
