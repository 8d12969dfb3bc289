"""Versioned content, once for every lifecycle (docs/architecture.md § Versioned content).

A lifecycle whose content is negotiated, refused and revised (a convention, an amendment…) keeps
that content in append-only version rows numbered 1, 2, 3 ("v1", "v2" on pages, PDFs, API and
ledger alike), each with the SHA-256 of its canonical JSON. The version number is part of what
is hashed: a new version always has a new hash, so a deliberation or an agreement on an earlier
version never counts for a later one, even when their contents are the same.

Two versions are compared line by line: each version lists its `Line`s (a stable key, the
section it belongs to, what a person reads, the value compared), and `diff()` — a pure
function — says which lines were added, removed or changed. Rooms build their lines in their
own pure rules (`governance.conventions.rules`); pages and the API print `Diff`s the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.organisations.models import Person


class Origin(models.TextChoices):
    """Why a version exists."""

    DRAFTED = "drafted", _("Drafted")
    REVISED = "revised", _("Revised")
    REOPENED = "reopened", _("Reopened after a refusal")


class VersionedContent(models.Model):
    """One saved state of some content. Append-only: an edit is a new version.

    Concrete models add a foreign key to their owner (named by `owner_field`), their content
    fields, `content_canonical()` (what the hash covers, beside the number) and `diff_lines()`
    (what a diff compares)."""

    owner_field: ClassVar[str]

    n = models.PositiveIntegerField(_("content version"))
    sha256 = models.CharField(_("content hash"), max_length=64)
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.REVISED
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        return label(self.n)

    def content_canonical(self) -> dict[str, Any]:
        raise NotImplementedError

    def canonical(self) -> dict[str, Any]:
        return {"version": self.n, **self.content_canonical()}

    def compute_hash(self) -> str:
        return canonical_hash(self.canonical())

    def seal(self) -> None:
        """Compute and store the hash once the version's rows are all written (append-only: the
        row was created with an empty hash in the same transaction)."""
        self.sha256 = self.compute_hash()
        type(self)._default_manager.filter(pk=self.pk).update(sha256=self.sha256)

    def diff_lines(self) -> list[Line]:
        raise NotImplementedError


def label(n: int | None) -> str:
    return f"v{n}" if n else ""


def canonical_hash(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def next_number(versions: QuerySet[Any]) -> int:
    """The number of the next version among `versions` (call under the owner's row lock)."""
    return (versions.aggregate(m=Max("n"))["m"] or 0) + 1


def latest(versions: Iterable[VersionedContent]) -> VersionedContent | None:
    return max(versions, key=lambda v: v.n, default=None)


# -- comparing two versions (pure) ---------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One comparable line of a version: its key is the same in every version (so comments and
    diffs follow a line across versions), its value is what changes."""

    key: str
    section: str
    label: str
    value: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    numeric: bool = False  # amounts and targets: the page shows before and after side by side


ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class Change:
    key: str
    section: str
    label: str
    kind: str  # added, removed, changed
    before: str | None
    after: str | None
    fields: Mapping[str, Any] = field(default_factory=dict)
    numeric: bool = False

    @property
    def delta(self) -> Decimal | None:
        """After − before, for an amount or a target changed (shown side by side)."""
        if not self.numeric or self.before is None or self.after is None:
            return None
        return Decimal(self.after) - Decimal(self.before)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    changes: list[Change]


@dataclass(frozen=True)
class Diff:
    before: int
    after: int
    sections: list[Section]

    @property
    def changes(self) -> list[Change]:
        return [c for s in self.sections for c in s.changes]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        found = {ADDED: 0, REMOVED: 0, CHANGED: 0}
        for change in self.changes:
            found[change.kind] += 1
        return found


def diff(
    before: Iterable[Line],
    after: Iterable[Line],
    *,
    sections: Sequence[tuple[str, Any]] = (),
    numbers: tuple[int, int] = (0, 0),
) -> Diff:
    """Lines added, removed or changed from `before` to `after`, grouped by section in the order
    `sections` gives ((name, title) pairs; unnamed sections follow), lines in the order they
    appear (removed lines where they stood in `before`)."""
    old = {line.key: line for line in before}
    new = {line.key: line for line in after}
    order = list(dict.fromkeys([*new, *old]))
    changes: dict[str, list[Change]] = {}
    for key in order:
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a.value == b.value:
            continue
        line = b or a
        assert line is not None
        kind = ADDED if a is None else REMOVED if b is None else CHANGED
        changes.setdefault(line.section, []).append(
            Change(
                key=key,
                section=line.section,
                label=line.label,
                kind=kind,
                before=a.value if a else None,
                after=b.value if b else None,
                fields=line.fields,
                numeric=line.numeric,
            )
        )
    titles = dict(sections)
    names = [name for name, _title in sections] + [s for s in changes if s not in titles]
    return Diff(
        numbers[0],
        numbers[1],
        [
            Section(name, str(titles.get(name, name)), changes[name])
            for name in names
            if name in changes
        ],
    )


def diff_versions(
    before: VersionedContent, after: VersionedContent, sections: Sequence[tuple[str, Any]] = ()
) -> Diff:
    return diff(
        before.diff_lines(), after.diff_lines(), sections=sections, numbers=(before.n, after.n)
    )


def diff_json(result: Diff) -> dict[str, Any]:
    """The one JSON shape of a diff, whatever the content (API)."""
    return {
        "from": result.before,
        "to": result.after,
        "from_label": label(result.before),
        "to_label": label(result.after),
        "counts": result.counts(),
        "sections": [
            {
                "name": section.name,
                "title": section.title,
                "changes": [
                    {
                        "key": c.key,
                        "label": c.label,
                        "kind": c.kind,
                        "before": c.before,
                        "after": c.after,
                        "delta": None if c.delta is None else f"{c.delta:.2f}",
                        "fields": dict(c.fields),
                    }
                    for c in section.changes
                ],
            }
            for section in result.sections
        ],
    }


def parse_pair(
    raw_from: Any, raw_to: Any, numbers: Sequence[int], *, default: tuple[int, int] | None = None
) -> tuple[int, int]:
    """The two version numbers a page or API request asks to compare, or ValueError with the
    sentence to show (not numbers, unknown versions)."""
    from django.utils.translation import gettext

    if raw_from in (None, "") and raw_to in (None, "") and default is not None:
        return default
    try:
        a, b = int(str(raw_from)), int(str(raw_to))
    except (TypeError, ValueError):
        raise ValueError(gettext("Give two version numbers to compare (from=1&to=3).")) from None
    unknown = [n for n in (a, b) if n not in numbers]
    if unknown:
        raise ValueError(
            gettext("There is no version %(n)s (versions: %(known)s).")
            % {"n": label(unknown[0]), "known": ", ".join(label(n) for n in numbers)}
        )
    return a, b
