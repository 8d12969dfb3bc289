"""Light pages (issue 15): only the CSS the pages use, no script, at most 35 KB gzipped for a
first visit (the page and everything it loads), fingerprinted and precompressed files."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.factories import ArmlFactory, PersonFactory, person_with_role

ROOT = Path(__file__).resolve().parents[2]
FIRST_VISIT_BUDGET = 35_000  # bytes, gzipped


def test_the_trimmed_bootstrap_is_up_to_date():
    """static/css/bootstrap.css is built by scripts/build_css.py from the templates and code:
    a class added to a template without a rebuild fails here."""
    done = subprocess.run(
        [sys.executable, "scripts/build_css.py", "--check"], cwd=ROOT, capture_output=True
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def test_the_trimmed_bootstrap_keeps_what_pages_use_and_drops_the_rest():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_css

    css = (ROOT / "static/css/bootstrap.css").read_text()
    for used in (".btn-primary", ".btn-danger", ".table", ".form-control", ".alert-danger"):
        assert used + "{" in css or used + "," in css or used + ":" in css, used
    for unused in (".carousel", ".offcanvas", ".toast", ".accordion", ".navbar-toggler"):
        assert unused not in css, unused
    words, prefixes = {"card", "btn"}, ("text-bg-",)
    out = build_css.purge(
        ".card{a:1}.modal{b:2}.btn.modal{c:3}@media (min-width:1px){.text-bg-info{d:4}.x{e:5}}"
        "@keyframes spin{to{f:6}}",
        words,
        prefixes,
    )
    assert out == ".card{a:1}@media (min-width:1px){.text-bg-info{d:4}}"


@pytest.mark.django_db
def test_a_first_visit_weighs_at_most_35_kb_gzipped(client):
    """The home page of a director with an ARML: the HTML and every file it links to, gzipped
    as whitenoise serves them. No script at all."""
    arml = ArmlFactory()
    client.force_login(person_with_role("arml_director", arml))
    html = client.get("/").content
    page = html.decode()
    assert "<script" not in page
    assets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', page)
    assert sorted(assets) == ["css/arml.css", "css/bootstrap.css"]
    sizes = {"page": len(gzip.compress(html, 9))}
    for asset in assets:
        sizes[asset] = len(gzip.compress(Path(finders.find(asset)).read_bytes(), 9))
    assert sum(sizes.values()) <= FIRST_VISIT_BUDGET, sizes


def test_collectstatic_writes_fingerprinted_and_compressed_files(tmp_path, settings):
    """Production's storage: names carry the content's hash (cached for a year), and each file
    has its .gz and .br beside it for whitenoise to serve."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    names = {p.name for p in (tmp_path / "css").iterdir()}
    hashed = [n for n in names if re.fullmatch(r"bootstrap\.[0-9a-f]{12}\.css", n)]
    assert hashed, names
    assert hashed[0] + ".gz" in names and hashed[0] + ".br" in names
    assert not (tmp_path / "bootstrap").exists()  # the full Bootstrap is not shipped


@pytest.mark.django_db
def test_no_page_links_bootstrap_javascript(client):
    client.force_login(PersonFactory())
    assert b"bootstrap.bundle" not in client.get("/").content
