"""Build static/css/bootstrap.css: Bootstrap's stylesheet (from the xstatic-bootstrap package)
with only the rules whose classes our pages can use. Run at development time, after adding a
Bootstrap class to a template; the result is committed, so serving needs no build step and no npm.

    .venv/bin/python scripts/build_css.py          # rewrite the file
    .venv/bin/python scripts/build_css.py --check  # exit 1 if it is out of date (the tests do)

A class counts as used when its name appears as a word anywhere in our templates and Python code
or in django-bootstrap5 (which writes the form classes); a template writing `btn-{{ style }}`
keeps every class starting with `btn-`. A rule is kept when one of its selectors uses only
classes in that set. Over-keeping costs bytes, never a broken page; the tests check the output
against the sources (tests/ops/test_static_weight.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "static" / "css" / "bootstrap.css"
SOURCES = ("templates", "config", "governance", "workflows", "permissions", "documents", "audit")
SOURCES += ("notifications",)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
DYNAMIC = re.compile(r"\b([a-z][a-z0-9-]*-)\{[{%]")  # `btn-{{ style }}`, `alert-{% if … %}`
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def source_files() -> list[Path]:
    import django_bootstrap5

    roots = [ROOT / name for name in SOURCES] + [Path(django_bootstrap5.__file__).parent]
    files = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".html", ".py", ".txt"} and "migrations" not in path.parts:
                files.append(path)
    return files


def used_words() -> tuple[set[str], tuple[str, ...]]:
    words: set[str] = set()
    prefixes: set[str] = set()
    for path in source_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        words.update(WORD.findall(text))
        prefixes.update(DYNAMIC.findall(text))
    return words, tuple(sorted(prefixes))


def split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside parentheses and brackets (`:not(.a,.b)` stays whole)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level (prelude, body) pairs; body None for a statement such as `@charset "x";`."""
    out, i, n = [], 0, len(css)
    while i < n:
        if css.startswith("/*", i):
            i = css.index("*/", i) + 2
            continue
        if css[i].isspace():
            i += 1
            continue
        j, quote = i, None
        while j < n and (quote or css[j] not in "{;"):
            if css[j] in "\"'":
                quote = None if quote == css[j] else (quote or css[j])
            j += 1
        prelude = css[i:j].strip()
        if j >= n or css[j] == ";":
            out.append((prelude, None))
            i = j + 1
            continue
        depth, k, quote = 1, j + 1, None
        while depth:
            ch = css[k]
            if quote:
                quote = None if ch == quote else quote
            elif ch in "\"'":
                quote = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            k += 1
        out.append((prelude, css[j + 1 : k - 1]))
        i = k
    return out


def purge(css: str, words: set[str], prefixes: tuple[str, ...]) -> str:
    def used(name: str) -> bool:
        return name in words or name.startswith(prefixes)

    def keep_selector(selector: str) -> bool:
        if "[data-bs-theme=dark]" in selector:
            return False  # no dark theme here
        return all(used(name) for name in CLASS.findall(selector))

    out = []
    for prelude, body in blocks(css):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith(("@media", "@supports", "@container", "@layer")):
            inner = purge(body, words, prefixes)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@keyframes"):
            out.append(("@keyframes", prelude, body))  # type: ignore[arg-type]
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            selectors = [s for s in split_top(prelude, ",") if keep_selector(s.strip())]
            if selectors:
                out.append(f"{','.join(selectors)}{{{body}}}")
    text = "".join(part for part in out if isinstance(part, str))
    # An animation is kept only when a kept rule still names it.
    for part in out:
        if isinstance(part, tuple):
            name = part[1].split()[-1]
            if re.search(rf"animation(-name)?:[^;}}]*\b{re.escape(name)}\b", text):
                text += f"{part[1]}{{{part[2]}}}"
    return text


def build() -> str:
    import xstatic.pkg.bootstrap as xstatic_bootstrap

    source = Path(xstatic_bootstrap.BASE_DIR) / "css" / "bootstrap.min.css"
    css = source.read_text(encoding="utf-8")
    licence = css[css.index("/*!") : css.index("*/") + 2]
    words, prefixes = used_words()
    header = (
        f"{licence}\n/* Only the rules our pages use: built by scripts/build_css.py from "
        f"xstatic-bootstrap {xstatic_bootstrap.VERSION}. Do not edit; rebuild. */\n"
    )
    return header + purge(css, words, prefixes) + "\n"


def main() -> int:
    text = build()
    if "--check" in sys.argv[1:]:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run scripts/build_css.py")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {len(text.encode())} bytes")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
