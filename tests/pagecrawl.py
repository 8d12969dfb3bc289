"""Walk every page a person can reach, and find raw codes in what it shows.

The pages are not listed by hand: the walk starts from the home page and follows every link of
the site, and `unreached_patterns` compares what it reached with the URLconf, so a new page is
either walked or named in `NOT_PAGES` with the reason.

What counts as a raw code in the text a reader sees (`raw_codes`):
- a snake_case word (`in_consultation`, `board_member`);
- a dotted code (`convention.created`, `governance.meeting`), file names and addresses aside;
- an `app.model N` label (`governance.meeting 1`);
- an English catalogue string shown untranslated (its msgid, where the French differs).
"""

from __future__ import annotations

import html as htmllib
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

#: URL names that are not pages a person reads, with the reason.
NOT_PAGES = {
    # POST-only acts (a form on another page leads there)
    "set_language": "POST (Django's view, without require_POST)",
    "logout": "POST (Django's view)",
    "login": "the persons walk signed in",
    "account_activate": "one-time link of an e-mail",
    "meeting_receipt": "one-time link of an e-mail",
    "document_detail": "redirects to its latest version's page",
    "version_download": "the PDF itself (read by the PDF tests)",
    "dashboard_export": "CSV and JSON exports",
    "open": "redirects to the notification's object",
}
#: Path prefixes outside the French pages (the back office, the API and its docs, statics).
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/")
#: How many pages of one URL pattern are walked per person (the others look alike).
PER_PATTERN = 2

_SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])")
_DOTTED = re.compile(r"(?<![\w./@:-])[a-z][a-z_]*\.[a-z][a-z_]*(?:\s+\d+)?(?![\w@/-])")
_ALLOWED_DOTTED_TAIL = {"pdf", "csv", "json", "ics", "fr", "org", "com", "example", "svg", "html"}
_HREF = re.compile(r"""<a\b[^>]*?\bhref=["']([^"']+)["']""", re.I)
_TAG = re.compile(r"<[^>]+>")
_ATTR_TEXT = re.compile(r"""\b(?:aria-label|title|placeholder|alt)=["']([^"']*)["']""", re.I)


def visible_text(page: str) -> str:
    """The main content's text and the attributes read aloud, tags and scripts removed."""
    main = re.search(r"<main\b.*?</main>", page, re.S)
    body = main.group(0) if main else page
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<input\b[^>]*type=[\"']hidden[\"'][^>]*>", " ", body)
    attrs = " ".join(_ATTR_TEXT.findall(body))
    text = _TAG.sub(" ", body) + " " + attrs
    return re.sub(r"\s+", " ", htmllib.unescape(text))


@cache
def untranslated_msgids() -> tuple[str, ...]:
    """English strings of the catalogue whose French differs: seeing one on a French page means
    a string escaped translation. Only multi-word strings without placeholders (a single word
    may be a name or the same in both languages)."""
    po = Path(__file__).resolve().parent.parent / "locale/fr/LC_MESSAGES/django.po"
    entries = re.findall(
        r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', po.read_text(encoding="utf-8"), re.M
    )
    found = []
    for raw_id, raw_str in entries:
        msgid = "".join(re.findall(r'"(.*)"', raw_id)).replace('\\"', '"')
        msgstr = "".join(re.findall(r'"(.*)"', raw_str)).replace('\\"', '"')
        if not msgid or not msgstr or msgid == msgstr or "%" in msgid or "{" in msgid:
            continue
        if len(msgid.split()) < 3 or "<" in msgid:
            continue
        found.append(msgid)
    return tuple(sorted(found, key=len, reverse=True))


def raw_codes(text: str) -> list[str]:
    problems = [f"snake_case « {m} »" for m in _SNAKE.findall(text)]
    for match in _DOTTED.findall(text):
        tail = match.split()[0].rsplit(".", 1)[1]
        if tail not in _ALLOWED_DOTTED_TAIL:
            problems.append(f"code « {match} »")
    for msgid in untranslated_msgids():
        if msgid in text:
            problems.append(f"untranslated « {msgid} »")
    return problems


def url_name(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    return match.url_name or ""


def walk(client, start: Iterable[str] = ("/",), per_pattern: int = PER_PATTERN):
    """Yield (path, status, html) for every page reachable from `start` by links, at most
    `per_pattern` pages per URL pattern (query strings count as the same pattern)."""
    seen: set[str] = set()
    per: dict[str, int] = defaultdict(int)
    queue = list(start)
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        name = url_name(urlsplit(path).path)
        if not name or name in NOT_PAGES:
            continue
        key = f"{name}?" if "?" in path else name
        if per[key] >= per_pattern:
            continue
        per[key] += 1
        response = client.get(path)
        if response.status_code in (301, 302):  # a page that sends on (the ARML's register)
            queue.insert(0, response["Location"])
            yield path, response.status_code, ""
            continue
        page = (
            response.content.decode()
            if response.get("Content-Type", "").startswith("text/html")
            else ""
        )
        yield path, response.status_code, page
        for href in _HREF.findall(page):
            href = urldefrag(htmllib.unescape(href))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)


def _post_only(callback) -> bool:  # type: ignore[no-untyped-def]
    """A view wrapped by require_POST (Django keeps the allowed methods in its closure), or a
    class-based view with no GET handler (the passkey ceremonies' JSON endpoints)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and not hasattr(view_class, "get"):
        return True
    names = getattr(getattr(callback, "__code__", None), "co_freevars", ())
    for name, cell in zip(names, callback.__closure__ or (), strict=False):
        if name == "request_method_list" and list(cell.cell_contents) == ["POST"]:
            return True
    return False


def page_patterns() -> dict[str, str]:
    """name → route of every named URL pattern of the French pages read with GET."""
    found: dict[str, str] = {}

    def visit(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not ("/" + route).startswith(SKIP_PREFIXES):
                    visit(entry, route)
            elif isinstance(entry, URLPattern) and entry.name and not _post_only(entry.callback):
                found[entry.name] = "/" + route

    visit(get_resolver(), "")
    return found


def unreached_patterns(reached: set[str], *, excused: Iterable[str] = ()) -> list[str]:
    """Named GET URL patterns neither walked nor excused (NOT_PAGES, `excused`)."""
    excused = set(NOT_PAGES) | set(excused)
    return sorted(
        f"{name} ({route})"
        for name, route in page_patterns().items()
        if name not in reached and name not in excused
    )
