"""Onboarding an ARML from CSV or XLSX files (`manage.py onboard`; README § Mettre en service
une ARML).

Six tables, each a CSV file named after it (`missions_locales.csv`…) or a sheet of that name in
an XLSX workbook; French column headers, in any order, accents and case ignored:

  arml             region (INSEE code), then any field of the ARML: nom, nom_court, adresse,
                   siret, … (see COLUMNS)
  missions_locales nom, ville, siret
  financeurs       nom, type (etat, region, ars, disp, carsat, autre)
  instances        type (AG, CA, BUR, CT, COPIL), nom, then every field of the body's rules
                   (BodyRules), by its name or its French label: quorum_numerator
                   ("numérateur du quorum"), notice_days ("préavis (jours)")… A field added to
                   BodyRules is a column without a change here.
  personnes        identifiant, prenom, nom, email
  mandats          identifiant, role, instance, mission_locale, financeur, titre, debut, fin

All or nothing: the whole import runs in one transaction, rolled back at the end of a dry run
(the default) or at the first error; a dry run therefore reports exactly what `--apply` would do.
Idempotent: rows are found by their natural key (the region; a Mission Locale's or a funder's
name; a body's type; a person's identifiant; a mandate's person, role, place and start) and
only differences are written. Mandates go through `mandate_create` / `mandate_set_end`, so
access follows. New accounts get no password: they set it through a one-time link.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.organisations.models import (
    Arml,
    Body,
    BodyKind,
    BodyRules,
    Funder,
    FunderKind,
    Mandate,
    MissionLocale,
    Person,
    Region,
    Role,
)
from governance.organisations.services import mandate_create, mandate_set_end

TABLES = ("arml", "missions_locales", "financeurs", "instances", "personnes", "mandats")

FUNDER_KINDS = {
    "etat": FunderKind.STATE,
    "region": FunderKind.REGION,
    "ars": FunderKind.ARS,
    "disp": FunderKind.DISP,
    "carsat": FunderKind.CARSAT,
    "autre": FunderKind.OTHER,
}
#: Fixed columns of each table (French header → field); `arml` and `instances` add derived ones.
COLUMNS = {
    "arml": {"region": "region", "nom": "name", "nom_court": "short_name", "adresse": "address"},
    "missions_locales": {"nom": "name", "ville": "city", "siret": "siret"},
    "financeurs": {"nom": "name", "type": "kind"},
    "instances": {"type": "kind", "nom": "name"},
    "personnes": {
        "identifiant": "username",
        "prenom": "first_name",
        "nom": "last_name",
        "email": "email",
        "courriel": "email",
    },
    "mandats": {
        "identifiant": "person",
        "role": "role",
        "instance": "body",
        "mission_locale": "mission_locale",
        "financeur": "funder",
        "titre": "title",
        "debut": "start",
        "fin": "end",
    },
}
REQUIRED = {
    "arml": {"region"},
    "missions_locales": {"name", "city"},
    "financeurs": {"name", "kind"},
    "instances": {"kind"},
    "personnes": {"username", "last_name"},
    "mandats": {"person", "role", "start"},
}


def normalise(header: str) -> str:
    """'Numérateur du quorum ' → 'numerateur_du_quorum'."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    text = "".join(c if c.isalnum() else "_" for c in text.strip().lower())
    return "_".join(part for part in text.split("_") if part)


def derived_columns(model: type[models.Model], skip: Iterable[str]) -> dict[str, str]:
    """Header → field for every editable field of `model`: by its name and its French label."""
    columns: dict[str, str] = {}
    with override("fr"):
        for f in model._meta.concrete_fields:
            if f.primary_key or not f.editable or f.name in skip or f.is_relation:
                continue
            columns[normalise(f.name)] = f.name
            columns.setdefault(normalise(str(f.verbose_name)), f.name)
    return columns


def columns_of(table: str) -> dict[str, str]:
    columns = dict(COLUMNS[table])
    if table == "arml":
        columns.update(derived_columns(Arml, skip={"region"}))
    if table == "instances":
        columns.update(derived_columns(BodyRules, skip={"body"}))
    return columns


class ImportError_(Exception):
    """An error in the files, named by file and line."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where} : {message}")
        self.where, self.message = where, message


@dataclass
class Row:
    table: str
    source: str  # "mandats.csv"
    line: int
    values: dict[str, Any]

    @property
    def where(self) -> str:
        return _("%(file)s, line %(line)s") % {"file": self.source, "line": self.line}

    def error(self, message: str) -> ImportError_:
        return ImportError_(self.where, message)


# -- reading -------------------------------------------------------------------------------------
def read(paths: Iterable[Path]) -> dict[str, list[Row]]:
    """The rows of each table from files and folders; unknown names are refused."""
    tables: dict[str, list[Row]] = {t: [] for t in TABLES}
    for path in _files(paths):
        if path.suffix.lower() == ".xlsx":
            for table, source, rows in _xlsx(path):
                tables[table].extend(_rows(table, source, rows))
        else:
            table = normalise(path.stem)
            if table not in TABLES:
                raise ImportError_(
                    path.name,
                    _("unknown table: name the file after one of %(tables)s")
                    % {"tables": ", ".join(TABLES)},
                )
            tables[table].extend(_rows(table, path.name, _csv(path)))
    return tables


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix.lower() in {".csv", ".xlsx"} and p.is_file()
            )
            if not found:
                raise ImportError_(str(path), _("no .csv or .xlsx file in this folder"))
            yield from found
        elif path.is_file() and path.suffix.lower() in {".csv", ".xlsx"}:
            yield path
        else:
            raise ImportError_(str(path), _("not found, or neither a .csv nor a .xlsx file"))


def _csv(path: Path) -> list[list[Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_(path.name, _("not UTF-8 text: save the file as CSV UTF-8")) from None
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx(path: Path) -> Iterator[tuple[str, str, list[list[Any]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds on a damaged file
        raise ImportError_(
            path.name, _("not a readable XLSX workbook (%(e)s)") % {"e": exc}
        ) from None
    for sheet in workbook.worksheets:
        table = normalise(sheet.title)
        if table not in TABLES:
            continue
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        yield table, f"{path.name} [{sheet.title}]", rows


def _rows(table: str, source: str, rows: list[list[Any]]) -> Iterator[Row]:
    if not rows:
        return
    columns = columns_of(table)
    header = [normalise(h) for h in rows[0]]
    fields: list[str | None] = []
    for h in header:
        if h and h not in columns:
            raise ImportError_(
                _("%(file)s, line 1") % {"file": source},
                _("unknown column “%(column)s”; known: %(known)s")
                % {"column": h, "known": ", ".join(sorted(set(columns)))},
            )
        fields.append(columns.get(h) if h else None)
    missing = REQUIRED[table] - set(filter(None, fields))
    if missing:
        names = sorted(h for h, f in columns.items() if f in missing and h in COLUMNS[table])
        raise ImportError_(
            _("%(file)s, line 1") % {"file": source},
            _("missing column(s): %(columns)s") % {"columns": ", ".join(names or sorted(missing))},
        )
    for number, raw in enumerate(rows[1:], start=2):
        values = {
            f: v.strip() if isinstance(v, str) else v
            for f, v in zip(fields, raw, strict=False)
            if f and v not in (None, "")
        }
        if any(isinstance(v, str) and v for v in values.values()) or any(
            not isinstance(v, str) for v in values.values()
        ):
            yield Row(table, source, number, values)


# -- values --------------------------------------------------------------------------------------
TRUE = {"oui", "o", "vrai", "x", "1", "true", "yes"}
FALSE = {"non", "n", "faux", "0", "false", "no"}


def value_for(f: models.Field, raw: Any, row: Row) -> Any:
    """The Python value of a cell for field `f`, or a French error naming file and line."""
    label = str(f.verbose_name)
    try:
        if f.choices:
            return _choice(f, raw)
        if isinstance(f, models.BooleanField):
            word = normalise(str(raw))
            if word in TRUE or raw is True:
                return True
            if word in FALSE or raw is False:
                return False
            raise ValueError(_("write oui or non"))
        if isinstance(f, models.DateField):
            return parse_date(raw)
        if isinstance(f, models.DecimalField):
            return Decimal(str(raw).replace(" ", "").replace(",", "."))
        if isinstance(f, models.IntegerField):
            number = Decimal(str(raw).replace(",", "."))
            if number != number.to_integral_value():
                raise ValueError(_("a whole number is expected"))
            return f.to_python(int(number))
        return f.to_python(str(raw))
    except (ValueError, ValidationError, InvalidOperation) as exc:
        detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise row.error(
            _("%(field)s: “%(value)s” is not valid (%(detail)s)")
            % {"field": label, "value": raw, "detail": detail or _("invalid value")}
        ) from None


def _choice(f: models.Field, raw: Any) -> Any:
    wanted = normalise(str(raw))
    with override("fr"):
        for value, label in f.flatchoices:
            if wanted in {normalise(str(value)), normalise(str(label))}:
                return value
        known = ", ".join(f"{value} ({label})" for value, label in f.flatchoices)
    raise ValueError(_("expected one of: %(known)s") % {"known": known})


def parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("a date is expected, as 31/12/2026 or 2026-12-31"))


# -- the plan and its application ----------------------------------------------------------------
@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    new_people: list[Person] = field(default_factory=list)
    arml: Arml | None = None

    @property
    def empty(self) -> bool:
        return not (self.created or self.changed)


class Onboarding:
    """Applies the rows in order, inside the caller's transaction, noting every change."""

    def __init__(self, tables: dict[str, list[Row]], advance: Callable[[int], None]) -> None:
        self.tables = tables
        self.report = Report()
        self.done = 0
        self.advance = advance

    def run(self) -> Report:
        rows = self.tables["arml"]
        if len(rows) != 1:
            where = rows[1].where if len(rows) > 1 else "arml"
            raise ImportError_(where, _("the arml table has exactly one row: the ARML onboarded"))
        self.arml = self._arml(rows[0])
        self.report.arml = self.arml
        for table in TABLES[1:]:
            for row in self.tables[table]:
                try:
                    getattr(self, f"_{table}")(row)
                except ValidationError as exc:
                    raise row.error(" ".join(exc.messages)) from None
                self._tick()
        return self.report

    def _tick(self) -> None:
        self.done += 1
        self.advance(self.done)

    def _note(self, created: bool, label: str, changes: list[str]) -> None:
        if created:
            self.report.created.append(label)
        elif changes:
            self.report.changed.append(f"{label} : {'; '.join(changes)}")
        else:
            self.report.unchanged += 1

    def _update(self, obj: models.Model, values: dict[str, Any], row: Row) -> list[str]:
        """Set the fields whose value differs; returns 'field: old → new' for each."""
        changes = []
        for name, raw in values.items():
            f = obj._meta.get_field(name)
            new = value_for(f, raw, row)
            old = getattr(obj, name)
            if old != new:
                changes.append(f"{f.verbose_name} : {_shown(old)} → {_shown(new)}")
                setattr(obj, name, new)
        if changes:
            obj.full_clean()
            obj.save()
        return changes

    def _arml(self, row: Row) -> Arml:
        code = str(row.values.pop("region"))
        arml = Arml.objects.select_related("region").filter(region__code=code).first()
        if arml is None:
            if not Region.objects.filter(code=code).exists():
                raise row.error(_("no region has the INSEE code “%(code)s”") % {"code": code})
            raise row.error(_("the region “%(code)s” has no ARML") % {"code": code})
        changes = self._update(arml, row.values, row)
        self._note(False, _("ARML %(name)s") % {"name": arml.short_name}, changes)
        self._tick()
        return arml

    def _missions_locales(self, row: Row) -> None:
        ml = MissionLocale.objects.filter(arml=self.arml, name=row.values["name"]).first()
        created = ml is None
        if created:
            ml = MissionLocale(arml=self.arml, name=row.values["name"], city=row.values["city"])
        changes = self._update(ml, {k: v for k, v in row.values.items() if k != "name"}, row)
        if created and not changes:
            ml.full_clean()
            ml.save()
        self._note(created, _("Mission Locale %(name)s") % {"name": ml.name}, changes)

    def _financeurs(self, row: Row) -> None:
        kind = FUNDER_KINDS.get(normalise(str(row.values["kind"])))
        if kind is None:
            raise row.error(
                _("type “%(kind)s” unknown: %(known)s")
                % {"kind": row.values["kind"], "known": ", ".join(FUNDER_KINDS)}
            )
        region = self.arml.region
        funder = Funder.objects.filter(region=region, name=row.values["name"]).first()
        created = funder is None
        if created:
            funder = Funder.objects.create(region=region, name=row.values["name"], kind=kind)
            changes = []
        else:
            changes = self._update(funder, {"kind": kind}, row)
        self._note(created, _("Funder %(name)s") % {"name": funder.name}, changes)

    def _instances(self, row: Row) -> None:
        kind = value_for(Body._meta.get_field("kind"), row.values.pop("kind"), row)
        body = Body.objects.filter(arml=self.arml, kind=kind).first()
        created = body is None
        name = row.values.pop("name", "") or BodyKind(kind).label
        if created:
            body = Body.objects.create(arml=self.arml, kind=kind, name=name)
            changes = []
        else:
            changes = self._update(body, {"name": name}, row)
        rules = BodyRules.objects.filter(body=body).first() or BodyRules(body=body)
        fresh = rules.pk is None
        changes += self._update(rules, row.values, row)
        if fresh:
            rules.full_clean()
            rules.save()
        self._note(created, _("Body %(name)s") % {"name": body.name}, changes)

    def _personnes(self, row: Row) -> None:
        username = str(row.values["username"])
        person = Person.objects.filter(username=username).first()
        created = person is None
        if created:
            person = Person(username=username)
            person.set_unusable_password()
        values = {k: v for k, v in row.values.items() if k != "username"}
        changes = self._update(person, values, row)
        if created:
            person.full_clean(exclude=["password"])
            person.save()
            self.report.new_people.append(person)
        self._note(
            created,
            _("Person %(name)s (%(username)s)") % {"name": person, "username": username},
            [] if created else changes,
        )

    def _mandats(self, row: Row) -> None:
        v = row.values
        person = Person.objects.filter(username=str(v["person"])).first()
        if person is None:
            raise row.error(
                _("no person “%(username)s”: add them to personnes") % {"username": v["person"]}
            )
        role = value_for(Mandate._meta.get_field("role"), v["role"], row)
        where = {
            "body": self._find(
                Body,
                row,
                v.get("body"),
                kind=lambda raw: value_for(Body._meta.get_field("kind"), raw, row),
            ),
            "mission_locale": self._find(MissionLocale, row, v.get("mission_locale")),
            "funder": self._find(Funder, row, v.get("funder")),
        }
        start = value_for(Mandate._meta.get_field("start"), v["start"], row)
        end = value_for(Mandate._meta.get_field("end"), v["end"], row) if "end" in v else None
        title = str(v.get("title", ""))
        mandate = Mandate.objects.filter(
            person=person, role=role, arml=self.arml, start=start, **where
        ).first()
        place = where["body"] or where["mission_locale"] or where["funder"] or self.arml
        label = _("Mandate %(role)s of %(person)s (%(place)s) from %(start)s") % {
            "role": Role(role).label,
            "person": person,
            "place": getattr(place, "name", None) or place,
            "start": start.strftime("%d/%m/%Y"),
        }
        if mandate is None:
            mandate_create(
                person=person,
                role=role,
                arml=self.arml,
                start=start,
                end=end,
                title=title,
                **where,
            )
            self._note(True, label, [])
            return
        changes = []
        if mandate.title != title:
            changes.append(f"{_('title')} : {_shown(mandate.title)} → {_shown(title)}")
            mandate.title = title
            mandate.save(update_fields=["title"])
        if mandate.end != end:
            changes.append(f"{_('end')} : {_shown(mandate.end)} → {_shown(end)}")
            mandate_set_end(mandate=mandate, end=end)
        self._note(False, label, changes)

    def _find(self, model: type[models.Model], row: Row, raw: Any, kind: Any = None) -> Any:
        if raw in (None, ""):
            return None
        if model is Body:
            found = Body.objects.filter(arml=self.arml, kind=kind(raw)).first()
        elif model is MissionLocale:
            found = MissionLocale.objects.filter(arml=self.arml, name=raw).first()
        else:
            found = Funder.objects.filter(region=self.arml.region, name=raw).first()
        if found is None:
            raise row.error(
                _("%(what)s “%(name)s” not found: add it to its table")
                % {"what": model._meta.verbose_name, "name": raw}
            )
        return found


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "∅"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def onboard(
    paths: Iterable[Path], *, apply: bool, advance: Callable[[int], None] | None = None
) -> Report:
    """Read, then play every row in one transaction; rolled back unless `apply`."""
    tables = read(paths)
    with transaction.atomic():
        report = Onboarding(tables, advance or (lambda done: None)).run()
        if not apply:
            transaction.set_rollback(True)
    return report


def row_count(paths: Iterable[Path]) -> int:
    return sum(len(rows) for rows in read(paths).values())
