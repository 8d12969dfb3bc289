"""The visible appearance of a signature: who signed, in which capacity, when, for whom.

Drawn by pyHanko (a TextStampStyle) inside the signature field, over the box the renderer
printed: between the box's heading (the slot's label and name) and its footnote, on a
transparent background. The text is set in DejaVu Sans embedded as a subset (pyHanko's own
stamp font, Courier, has neither accents nor €); HarfBuzz shapes it (pyHanko[opentype]).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from documents.capacity import Capacity, DelegationEvidence
from documents.renderers.base import font_path

PARIS = ZoneInfo("Europe/Paris")
FONT_SIZE, LEADING = 7, 8
# Room left for what the renderer prints in the box (documents/renderers/base.py,
# _SignatureCell): its heading (label and name) above, its footnote below.
MARGINS = Margins(left=8, right=6, top=31, bottom=15)


# What names, capacities and organisations may hold: Latin scripts, punctuation, €, №, ™.
UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2010, 0x2060), 0x20AC, 0x2116, 0x2122]
_font_lock = threading.Lock()

# fontTools logs a warning per subset about a table it drops (FFTM, a FontForge timestamp).
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


@lru_cache(maxsize=1)
def prepared_font() -> bytes:
    """DejaVu Sans cut down to UNICODES and rescaled to 1000 units per em, once per process
    (about half a second).

    Rescaled because pyHanko (0.38) writes glyph widths and kerning in font units where PDF
    expects thousandths of an em: right for 1000-unit fonts only, and DejaVu has 2048, which
    drew every line twice too wide. Cut down because pyHanko subsets the font at each
    signature: from the whole of DejaVu that cost ~200 ms a signature."""
    from fontTools import subset, ttLib
    from fontTools.ttLib.scaleUpem import scale_upem

    with _font_lock:
        font = ttLib.TTFont(str(font_path()))
        options = subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.glyph_names = True  # else fontTools rebuilds them from the cmap at each use
        options.hinting = False  # a 7-point stamp on screen and paper needs no TrueType hints
        options.layout_features = []  # no kerning: what made each subset slow
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "MATH", "kern"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=UNICODES)
        subsetter.subset(font)
        scale_upem(font, 1000)
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()


class PreparedFontFactory(GlyphAccumulatorFactory):
    """pyHanko's glyph accumulator, fed the prepared font from memory."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(prepared_font()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


@lru_cache(maxsize=1)
def stamp_style() -> TextStampStyle:
    font = PreparedFontFactory(str(font_path()), font_size=FONT_SIZE)
    return TextStampStyle(
        stamp_text="%(appearance)s",
        border_width=0,
        text_box_style=TextBoxStyle(
            font=font,
            font_size=FONT_SIZE,
            leading=LEADING,
            box_layout_rule=SimpleBoxLayoutRule(  # no padding: MARGINS already place the text
                x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MIN
            ),
        ),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MAX,
            margins=MARGINS,
            inner_content_scaling=InnerScaling.SHRINK_TO_FIT,
        ),
    )


def signing_time(moment: dt.datetime) -> str:
    """« 12/03/2026 à 14:05:09 » in Paris time."""
    local = moment.astimezone(PARIS)
    return _("%(date)s at %(time)s") % {
        "date": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%H:%M:%S"),
    }


def text(
    *,
    name: str,
    capacity: Capacity,
    signed_at: dt.datetime,
    on_behalf: DelegationEvidence | None = None,
) -> str:
    """The appearance's lines, in the platform's language (French)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("Signed by %(name)s") % {"name": name}, capacity.label]
        if capacity.organisation and capacity.organisation != capacity.label:
            lines.append(capacity.organisation)
        lines.append(_("on %(when)s (Paris time)") % {"when": signing_time(signed_at)})
        if on_behalf is not None:
            lines.append(_delegation_line(on_behalf))
        return "\n".join(line for line in lines if line)


def delegation_line(on_behalf: DelegationEvidence) -> str:
    """« Pour Hélène Lefèvre et par délégation (n° 12, à compter du 01/03/2026) »."""
    with translation.override(settings.LANGUAGE_CODE):
        return _delegation_line(on_behalf)


def _delegation_line(on_behalf: DelegationEvidence) -> str:
    line = _("For %(principal)s and by delegation") % {"principal": on_behalf.principal}
    details = []
    if on_behalf.reference:
        details.append(on_behalf.reference)
    if on_behalf.start:
        details.append(_("from %(date)s") % {"date": on_behalf.start.strftime("%d/%m/%Y")})
    return f"{line} ({', '.join(details)})" if details else line
