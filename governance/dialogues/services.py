"""Management dialogue services, indicator measurements (manual and CSV import) and selectors."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.conventions.models import Amendment, Convention, ConventionState
from governance.conventions.services import amendment_open, party_lines
from governance.dialogues.models import (
    DialogueLine,
    DialogueState,
    DialogueTarget,
    ManagementDialogue,
    Measurement,
)
from governance.dialogues.rules import NEGOTIATE, PREPARE
from governance.organisations.models import Arml, Indicator, Person
from workflows.acts import record, refusals_ledgered, require


@refusals_ledgered("create", lambda kw: kw["arml"])
@transaction.atomic
def dialogue_create(
    *, actor: Person, arml: Arml, year: int, meeting_date: dt.date | None = None
) -> ManagementDialogue:
    require(actor, arml, PREPARE)
    if ManagementDialogue.objects.filter(arml=arml, year=year).exists():
        raise ValidationError({"year": _("A dialogue already exists for this year.")})
    convention = (
        Convention.objects.filter(arml=arml, state=ConventionState.IN_FORCE)
        .order_by("-created_at")
        .first()
    )
    dialogue = ManagementDialogue.objects.create(
        arml=arml,
        year=year,
        meeting_date=meeting_date,
        convention=convention,
        file_due_days=arml.dialogue_file_days,
    )
    record(
        dialogue,
        "created",
        actor=actor,
        created=True,
        data={"year": year, "convention": convention.pk if convention else None},
    )
    return dialogue


@refusals_ledgered("prepare", lambda kw: kw["dialogue"])
@transaction.atomic
def dialogue_prepare(
    *,
    actor: Person,
    dialogue: ManagementDialogue,
    meeting_date: dt.date | None,
    financial_report: str,
    actions_report: str,
) -> ManagementDialogue:
    dialogue = ManagementDialogue.objects.select_for_update().get(pk=dialogue.pk)
    require(actor, dialogue, PREPARE)
    if dialogue.state != DialogueState.PREPARATION:
        raise ValidationError(_("The file can only change during preparation."))
    dialogue.meeting_date = meeting_date
    dialogue.financial_report = financial_report.strip()
    dialogue.actions_report = actions_report.strip()
    dialogue.save(
        update_fields=["meeting_date", "financial_report", "actions_report", "updated_at"]
    )
    record(
        dialogue,
        "file_saved",
        actor=actor,
        data={"meeting_date": meeting_date.isoformat() if meeting_date else None},
    )
    return dialogue


# -- measurements -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    line: int
    indicator: Indicator
    year: int
    value: Decimal


CSV_COLUMNS = ("indicateur", "annee", "valeur")
#: The size of a measurements file, on the page and over the API (issue 13.4).
MAX_FILE_BYTES = 1_000_000
#: The years a measurement may be about, and its largest magnitude (the column's 14 digits).
YEARS = range(2000, 2101)
LARGEST = Decimal("999999999999.99")


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM, else Windows-1252 — what spreadsheet
    programs write in France; a file none of them reads is refused, not a 500."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The file is not readable text: save it as CSV (UTF-8)."), code="invalid_file"
    )


def parse_measurements_csv(content: bytes | str) -> list[Row]:
    """Rows of a CSV (UTF-8, `;` or `,` separated, header `indicateur;annee;valeur`, decimal
    comma or point). Any bad row makes the whole file refused, naming its line; a value out of
    its indicator's range is refused with the code `out_of_range` (issue 13.14)."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(_("The file is too large (1 MB at most)."), code="file_too_large")
    text = decode_csv(content) if isinstance(content, bytes) else content
    if "\x00" in text:
        raise ValidationError(
            _("The file is not readable text: save it as CSV (UTF-8)."), code="invalid_file"
        )
    if not text.strip():
        raise ValidationError(_("The file is empty."), code="invalid_file")
    first = text.splitlines()[0]
    dialect = ";" if first.count(";") >= first.count(",") else ","
    try:
        return _rows(csv.reader(io.StringIO(text), delimiter=dialect))
    except csv.Error as exc:
        raise ValidationError(
            _("The file is not a readable CSV file (%(reason)s).") % {"reason": exc},
            code="invalid_file",
        ) from None


def _rows(reader: Any) -> list[Row]:
    header = [h.strip().lower() for h in next(reader)]
    if tuple(header[:3]) != CSV_COLUMNS:
        raise ValidationError(
            _("Line 1: the header must be %(expected)s (found %(found)s).")
            % {"expected": ";".join(CSV_COLUMNS), "found": ";".join(header)[:200]},
            code="invalid_file",
        )
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows: list[Row] = []
    errors: list[ValidationError] = []
    seen: set[tuple[str, int]] = set()

    def refuse(message: str, code: str = "invalid_file") -> None:
        errors.append(ValidationError(message, code=code))

    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(fields) < 3:
            refuse(_("Line %(n)s: three columns are expected.") % {"n": number})
            continue
        code, year_text, value_text = (f.strip()[:40] for f in fields[:3])
        indicator = indicators.get(code)
        if indicator is None:
            refuse(_("Line %(n)s: unknown indicator “%(code)s”.") % {"n": number, "code": code})
            continue
        try:
            year = int(year_text)
        except ValueError:
            refuse(_("Line %(n)s: “%(v)s” is not a year.") % {"n": number, "v": year_text})
            continue
        if year not in YEARS:
            refuse(
                _("Line %(n)s: the year %(v)s is not between 2000 and 2100.")
                % {"n": number, "v": year}
            )
            continue
        try:
            value = Decimal(value_text.replace("\u202f", "").replace(" ", "").replace(",", "."))
            if not value.is_finite() or abs(value) > LARGEST:
                raise InvalidOperation
            value = value.quantize(Decimal("0.01"))
        except InvalidOperation:
            refuse(_("Line %(n)s: “%(v)s” is not a number.") % {"n": number, "v": value_text})
            continue
        why = indicator.out_of_range(value)
        if why:
            refuse(_("Line %(n)s: %(why)s") % {"n": number, "why": why}, "out_of_range")
            continue
        if (code, year) in seen:
            refuse(
                _("Line %(n)s: %(code)s %(year)s appears twice.")
                % {"n": number, "code": code, "year": year}
            )
            continue
        seen.add((code, year))
        rows.append(Row(number, indicator, year, value))
    if errors:
        raise ValidationError(errors[:50])
    if not rows:
        raise ValidationError(_("The file has no measurement."), code="invalid_file")
    return rows


def check_measurement(row: Row) -> None:
    """The bounds every measurement keeps, typed on the page or imported (issue 13.14)."""
    if row.year not in YEARS:
        raise ValidationError(
            _("The year %(v)s is not between 2000 and 2100.") % {"v": row.year}, code="invalid"
        )
    if not row.value.is_finite() or abs(row.value) > LARGEST:
        raise ValidationError(_("“%(v)s” is not a number.") % {"v": row.value}, code="invalid")
    why = row.indicator.out_of_range(row.value)
    if why:
        raise ValidationError(why, code="out_of_range")


@refusals_ledgered("record_measurements", lambda kw: kw["arml"])
@transaction.atomic
def measurements_record(
    *, actor: Person, arml: Arml, rows: Iterable[Row], source: str = "manual"
) -> int:
    require(actor, arml, PREPARE)
    rows = list(rows)
    for row in rows:
        check_measurement(row)
    for row in rows:
        Measurement.objects.update_or_create(
            arml=arml,
            indicator=row.indicator,
            year=row.year,
            defaults={"value": row.value, "source": source, "recorded_by": actor},
        )
    record(
        arml,
        "recorded",
        action="measurements.recorded",
        actor=actor,
        data={"source": source, "rows": [[r.indicator.code, r.year, str(r.value)] for r in rows]},
    )
    return len(rows)


# -- conclusions --------------------------------------------------------------------------


@refusals_ledgered("save_conclusions", lambda kw: kw["dialogue"])
@transaction.atomic
def conclusions_save(
    *,
    actor: Person,
    dialogue: ManagementDialogue,
    objectives: str,
    lines: Iterable[Mapping[str, Any]],
    targets: Iterable[Mapping[str, Any]],
) -> ManagementDialogue:
    dialogue = ManagementDialogue.objects.select_for_update().get(pk=dialogue.pk)
    require(actor, dialogue, NEGOTIATE)
    if dialogue.state != DialogueState.MEETING_HELD:
        raise ValidationError(
            _("Conclusions are drafted once the meeting is held, before they are proposed.")
        )
    new_lines = party_lines(DialogueLine, dialogue.party_funder_ids(), lines, dialogue=dialogue)
    dialogue.objectives = objectives.strip()
    dialogue.save(update_fields=["objectives", "updated_at"])
    dialogue.lines.all().delete()
    dialogue.targets.all().delete()
    DialogueLine.objects.bulk_create(new_lines)
    DialogueTarget.objects.bulk_create(
        [
            DialogueTarget(
                dialogue=dialogue, indicator=t["indicator"], target=Decimal(str(t["target"]))
            )
            for t in targets
        ]
    )
    record(
        dialogue,
        "conclusions_saved",
        actor=actor,
        data={"conclusions_sha256": dialogue.conclusions_hash()},
    )
    return dialogue


def open_amendment_draft(dialogue: ManagementDialogue, *, actor: Person) -> Amendment | None:
    """On conclusion: a draft amendment of the convention in force with the concluded lines.

    Done by the system for the parties who concluded, so no drafter role is required; the
    amendment then follows its own lifecycle (deliberation, signatures)."""
    convention = dialogue.convention
    if convention is None or convention.state != ConventionState.IN_FORCE:
        return None
    if dialogue.year not in convention.content.years:
        return None
    dialogue.amendment = amendment_open(
        actor=actor,
        convention=convention,
        year=dialogue.year,
        changes=_("Conclusions of the management dialogue %(ref)s.")
        % {"ref": dialogue.reference()},
        lines=[
            {"funder": li.funder, "function": li.function, "amount": li.amount}
            for li in dialogue.lines.all()
        ],
        data={"from_dialogue": dialogue.pk},
    )
    return dialogue.amendment
