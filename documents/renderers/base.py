"""Shared layout of every issued PDF: letterhead, title, parties, body, signature block, footer.

Output is deterministic: reportlab's invariant mode, a creation date taken from the facts, and
fonts embedded from Debian's fonts-dejavu-core (so accents and € render everywhere).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
}
_fonts_lock = threading.Lock()
_fonts_ready = False

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
FOOTER_HEIGHT = 16 * mm
LETTERHEAD_HEIGHT = 22 * mm
SIGNATURE_BOX_HEIGHT = 32 * mm


def font_path(name: str = FONT) -> Path:
    """The TrueType file of one of our fonts (also embedded in signature appearances)."""
    path = Path(getattr(settings, "ARML_FONT_DIR", "") or DEFAULT_FONT_DIR) / _FONT_FILES[name]
    if not path.is_file():
        raise ImproperlyConfigured(
            f"Font {path} is missing: install Debian's fonts-dejavu-core package "
            "(apt-get install fonts-dejavu-core) or set ARML_FONT_DIR."
        )
    return path


def register_fonts() -> None:
    """Register the DejaVu fonts once per process (parsing a TTF costs ~10 ms)."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if _fonts_ready:
            return
        for name in _FONT_FILES:
            pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
        )
        _fonts_ready = True


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    return str(value)


def canonical_facts(facts: Mapping[str, Any] | Any) -> dict[str, Any]:
    """Facts as plain JSON values (Decimal and dates as strings): what the document stores."""
    return json.loads(canonical_json(facts))


def canonical_json(facts: Mapping[str, Any] | Any) -> str:
    return json.dumps(
        facts, default=_json_default, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def facts_sha256(facts: Mapping[str, Any] | Any) -> str:
    """SHA-256 of the canonical facts JSON: printed in the footer (a PDF cannot hold its own
    hash); the file's own hash is kept in DocumentVersion.sha256."""
    return hashlib.sha256(canonical_json(facts).encode()).hexdigest()


def as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_amount(value: Any) -> str:
    """12345.5 → '12 345,50 €' (French grouping, no-break spaces)."""
    amount = as_decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{'\u00a0'.join(groups)},{cents}\u00a0€"


def format_date(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return date_format(value, "DATE_FORMAT")


@dataclass(frozen=True)
class SignatureBox:
    """Where a signer's field sits: page index and rectangle in PDF points (x1, y1, x2, y2)."""

    field: str
    page: int
    rect: tuple[int, int, int, int]


@dataclass
class RenderResult:
    filename: str
    content: bytes
    boxes: dict[str, SignatureBox] = field(default_factory=dict)
    facts_sha256: str = ""


class _SignatureCell(Flowable):
    """One box of the signature block; records its absolute position for the PDF field."""

    def __init__(
        self, slot: Mapping[str, Any], width: float, boxes: dict[str, SignatureBox], styles: Styles
    ) -> None:
        super().__init__()
        self.slot, self.width, self.height = slot, width, SIGNATURE_BOX_HEIGHT
        self.boxes, self.styles = boxes, styles

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setStrokeColor(colors.HexColor("#5a6270"))
        canv.setLineWidth(0.6)
        canv.rect(0, 0, self.width, self.height)
        label = Paragraph(escape(str(self.slot.get("label") or "")), self.styles.box_label)
        name = Paragraph(escape(str(self.slot.get("name") or "")), self.styles.small)
        hint = Paragraph(escape(_("Electronic signature (PAdES)")), self.styles.hint)
        y = self.height - 3 * mm
        for part in (label, name):
            h = part.wrap(self.width - 6 * mm, self.height)[1]
            y -= h
            part.drawOn(canv, 3 * mm, y)
        hint.wrap(self.width - 6 * mm, self.height)
        hint.drawOn(canv, 3 * mm, 2 * mm)
        x, y0 = canv.absolutePosition(0, 0)
        self.boxes[str(self.slot["field"])] = SignatureBox(
            field=str(self.slot["field"]),
            page=canv.getPageNumber() - 1,
            rect=(round(x), round(y0), round(x + self.width), round(y0 + self.height)),
        )


class Styles:
    def __init__(self) -> None:
        self.normal = ParagraphStyle("normal", fontName=FONT, fontSize=10, leading=13.5)
        self.small = ParagraphStyle("small", parent=self.normal, fontSize=8.5, leading=11)
        self.hint = ParagraphStyle(
            "hint",
            parent=self.small,
            fontName=FONT_ITALIC,
            fontSize=7,
            textColor=colors.HexColor("#5a6270"),
        )
        self.title = ParagraphStyle(
            "title",
            parent=self.normal,
            fontName=FONT_BOLD,
            fontSize=16,
            leading=20,
            alignment=TA_CENTER,
            spaceAfter=4 * mm,
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=self.normal, alignment=TA_CENTER, spaceAfter=6 * mm
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.normal,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=4 * mm,
            spaceAfter=2 * mm,
        )
        self.body = ParagraphStyle("body", parent=self.normal, spaceAfter=2.5 * mm)
        self.box_label = ParagraphStyle("box_label", parent=self.small, fontName=FONT_BOLD)
        self.cell = ParagraphStyle("cell", parent=self.small)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.small, fontName=FONT_BOLD)
        self.number = ParagraphStyle("number", parent=self.small, alignment=TA_RIGHT)
        self.number_bold = ParagraphStyle("number_bold", parent=self.number, fontName=FONT_BOLD)


class Renderer:
    """One class per document kind. `render(facts)` → (filename, bytes).

    `facts` is a plain mapping (or dataclass) supplied by the caller; everything printed comes
    from it, so a document never changes after issue. Common keys: `arml` {name, address},
    `title`, `reference`, `version`, `ledger_seq` (optional), `date` (ISO, also the PDF
    creation date), `place`, `parties` [{name, description}], `body` [paragraphs],
    `signers` [{field, role, label, name}], `language` (default settings.LANGUAGE_CODE).
    """

    kind: ClassVar[str] = ""
    filename_prefix: ClassVar[str] = "document"

    def kind_label(self) -> str:
        raise NotImplementedError

    def render(self, facts: Mapping[str, Any] | Any) -> tuple[str, bytes]:
        result = self.render_with_layout(facts)
        return result.filename, result.content

    def render_with_layout(self, facts: Mapping[str, Any] | Any) -> RenderResult:
        register_fonts()
        data = canonical_facts(facts)
        language = data.get("language") or settings.LANGUAGE_CODE
        with translation.override(language):
            return self._render(data)

    # Hooks for each kind -----------------------------------------------------------------

    def title(self, facts: dict[str, Any]) -> str:
        return str(facts.get("title") or self.kind_label())

    def subtitle(self, facts: dict[str, Any]) -> str:
        return ""

    def content(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        """Kind-specific flowables between the parties and the signature block."""
        return []

    def closing(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        place, date = facts.get("place"), format_date(facts.get("date"))
        if not (place or date):
            return []
        if place:
            text = _("Done at %(place)s, on %(date)s.") % {"place": place, "date": date}
        else:
            text = _("Done on %(date)s.") % {"date": date}
        return [Paragraph(escape(text), styles.body)]

    # Layout ------------------------------------------------------------------------------

    def _render(self, facts: dict[str, Any]) -> RenderResult:
        styles = Styles()
        boxes: dict[str, SignatureBox] = {}
        digest = facts_sha256(facts)
        buffer = io.BytesIO()
        created = _pdf_date(facts.get("date"))
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + LETTERHEAD_HEIGHT,
            bottomMargin=MARGIN + FOOTER_HEIGHT,
            title=self.title(facts),
            author=str((facts.get("arml") or {}).get("name", "")),
            subject=self.kind_label(),
            creator="ARML Governance",
            invariant=1,
        )
        story: list[Flowable] = [Paragraph(escape(self.title(facts)), styles.title)]
        subtitle = self.subtitle(facts)
        if subtitle:
            story.append(Paragraph(escape(subtitle), styles.subtitle))
        story += self._parties(facts, styles)
        for paragraph in facts.get("body") or []:
            story.append(Paragraph(escape(str(paragraph)), styles.body))
        story += self.content(facts, styles)
        story += self.closing(facts, styles)
        story += self._signature_block(facts, styles, boxes)

        def on_page(canv: Canvas, _doc: Any) -> None:
            self._letterhead(canv, facts, styles)
            self._footer(canv, facts, digest)

        def make_canvas(*args: Any, **kwargs: Any) -> Canvas:
            canv = Canvas(*args, **kwargs)
            canv.setDateFormatter(lambda *_parts: created)
            return canv

        doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=make_canvas)
        filename = f"{self.filename_prefix}-{_slug(facts.get('reference') or 'document')}.pdf"
        return RenderResult(filename, buffer.getvalue(), boxes, digest)

    def _parties(self, facts: dict[str, Any], styles: Styles) -> list[Flowable]:
        parties = facts.get("parties") or []
        if not parties:
            return []
        flow: list[Flowable] = [Paragraph(escape(_("Between")), styles.heading)]
        for party in parties:
            name = escape(str(party.get("name", "")))
            description = escape(str(party.get("description", "")))
            text = f"<b>{name}</b>" + (f", {description}" if description else "")
            flow.append(Paragraph(text, styles.body))
        return flow

    def _signature_block(
        self, facts: dict[str, Any], styles: Styles, boxes: dict[str, SignatureBox]
    ) -> list[Flowable]:
        slots = facts.get("signers") or []
        if not slots:
            return []
        width = (PAGE_WIDTH - 2 * MARGIN - 6 * mm) / 2
        cells = [_SignatureCell(slot, width, boxes, styles) for slot in slots]
        rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
        if len(rows[-1]) == 1:
            rows[-1].append(Spacer(width, 1))
        table = Table(rows, colWidths=[width + 3 * mm, width + 3 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
                ]
            )
        )
        heading = Paragraph(escape(_("Signatures")), styles.heading)
        return [Spacer(1, 4 * mm), KeepTogether([heading, table])]

    def _letterhead(self, canv: Canvas, facts: dict[str, Any], styles: Styles) -> None:
        arml = facts.get("arml") or {}
        canv.saveState()
        top = PAGE_HEIGHT - MARGIN
        canv.setFont(FONT_BOLD, 12)
        canv.setFillColor(colors.HexColor("#1d3557"))
        canv.drawString(MARGIN, top - 5 * mm, str(arml.get("name") or ""))
        canv.setFont(FONT, 8.5)
        canv.setFillColor(colors.HexColor("#3d4450"))
        if arml.get("address"):
            canv.drawString(MARGIN, top - 10 * mm, str(arml["address"]))
        if arml.get("siret"):
            canv.drawString(MARGIN, top - 14 * mm, "SIRET " + str(arml["siret"]))
        canv.drawRightString(PAGE_WIDTH - MARGIN, top - 5 * mm, self.kind_label())
        canv.setStrokeColor(colors.HexColor("#1d3557"))
        canv.setLineWidth(1)
        canv.line(MARGIN, top - 17 * mm, PAGE_WIDTH - MARGIN, top - 17 * mm)
        canv.restoreState()

    def _footer(self, canv: Canvas, facts: dict[str, Any], digest: str) -> None:
        parts = [
            self.kind_label(),
            _("Reference %(ref)s") % {"ref": facts.get("reference", "")},
            _("Version %(n)s") % {"n": facts.get("version", 1)},
        ]
        if facts.get("ledger_seq") not in (None, ""):
            parts.append(_("Ledger no. %(seq)s") % {"seq": facts["ledger_seq"]})
        parts.append(_("Page %(n)s") % {"n": canv.getPageNumber()})
        canv.saveState()
        canv.setStrokeColor(colors.HexColor("#9aa1ad"))
        canv.setLineWidth(0.4)
        canv.line(MARGIN, MARGIN + 9 * mm, PAGE_WIDTH - MARGIN, MARGIN + 9 * mm)
        canv.setFont(FONT, 7)
        canv.setFillColor(colors.HexColor("#3d4450"))
        canv.drawString(MARGIN, MARGIN + 5 * mm, " · ".join(parts))
        canv.setFont(FONT, 6.5)
        canv.drawString(
            MARGIN, MARGIN + 1.5 * mm, _("SHA-256 of the content: %(hash)s") % {"hash": digest}
        )
        canv.restoreState()


def _pdf_date(value: Any) -> str:
    """PDF date string for the creation date: the document's own date, never the clock."""
    day = dt.date(2000, 1, 1)
    if isinstance(value, str) and value:
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    return f"D:{day:%Y%m%d}000000+00'00'"


def _slug(value: Any) -> str:
    from django.utils.text import slugify

    return slugify(str(value))[:60] or "document"


def table(
    rows: Sequence[Sequence[Any]],
    styles: Styles,
    *,
    widths: Sequence[float] | None = None,
    header_rows: int = 1,
    bold_last_row: bool = False,
    numeric_from: int | None = None,
) -> Table:
    """A bordered table; header row(s) in bold, numeric columns right-aligned."""
    data = []
    for r, row in enumerate(rows):
        bold = r < header_rows or (bold_last_row and r == len(rows) - 1)
        style = styles.cell_bold if bold else styles.cell
        numeric_style = styles.number_bold if bold else styles.number
        data.append(
            [
                Paragraph(
                    escape(str(cell)),
                    numeric_style
                    if (numeric_from is not None and r >= header_rows and c >= numeric_from)
                    else style,
                )
                for c, cell in enumerate(row)
            ]
        )
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa1ad")),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e8ecf2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    result = Table(data, colWidths=list(widths) if widths else None, repeatRows=header_rows)
    result.setStyle(TableStyle(commands))
    return result


def heading(text: str, styles: Styles) -> Paragraph:
    return Paragraph(escape(text), styles.heading)


def paragraph(text: Any, styles: Styles) -> Paragraph:
    return Paragraph(escape(str(text)), styles.body)


def bullet_list(items: Sequence[Any], styles: Styles) -> list[Flowable]:
    return [Paragraph("• " + escape(str(item)), styles.body) for item in items]


CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HR = HRFlowable
