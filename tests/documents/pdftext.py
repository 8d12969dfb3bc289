"""Text extraction for tests (pypdf is not installed): pyHanko's reader + ToUnicode CMaps.

Handles what reportlab writes: `/Fn size Tf` font switches and literal `(...) Tj` strings of
one-byte codes in embedded TrueType subsets.
"""

from __future__ import annotations

import io
import re

from pyhanko.pdf_utils.reader import PdfFileReader

_TOKEN = re.compile(rb"/(F\d+(?:\+\d+)?)\s+[\d.]+\s+Tf|\((?P<s>(?:\\.|[^\\)])*)\)\s*Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i : i + 1]
        if c == b"\\":
            nxt = raw[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def _cmap(stream: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        # <lo> <hi> [<dst> <dst> …]: one destination per code (pyHanko writes these)
        arrays = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\[([^\]]*)\]")
        for lo, hi, targets in arrays.findall(block):
            values = re.findall(rb"<([0-9A-Fa-f]+)>", targets)
            for code, dst in zip(range(int(lo, 16), int(hi, 16) + 1), values, strict=False):
                mapping[code] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        # <lo> <hi> <dst>: consecutive destinations (reportlab writes these)
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", arrays.sub(b"", block)
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def extract_text(content: bytes) -> str:
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    pages = []
    for i in range(len(reader.root["/Pages"]["/Kids"])):
        page = reader.root["/Pages"]["/Kids"][i]
        fonts = page["/Resources"]["/Font"]
        cmaps = {}
        for name in fonts:
            font = fonts[name]  # resolves the indirect reference
            cmaps[name.lstrip("/")] = _cmap(font["/ToUnicode"].data) if "/ToUnicode" in font else {}
        contents = page["/Contents"]
        streams = contents if isinstance(contents, list) else [contents]
        data = b"".join(s.data for s in streams)
        current: dict[int, str] = {}
        parts = []
        for match in _TOKEN.finditer(data):
            if match.group(1):
                current = cmaps.get(match.group(1).decode(), {})
            else:
                parts.append("".join(current.get(b, chr(b)) for b in _unescape(match.group("s"))))
        pages.append(" ".join(parts))
    return "\n".join(pages)


_HEX = re.compile(rb"<([0-9A-Fa-f]*)>")
_LITERAL = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)
_TEXT_OP = re.compile(
    rb"\[(?P<array>.*?)\]\s*TJ|<(?P<hex>[0-9A-Fa-f]*)>\s*Tj|(?P<newline>T\*|Td)", re.S
)


def _fonts_cmaps(resources) -> dict[int, str]:
    mapping: dict[int, str] = {}
    fonts = resources.get("/Font", {}) if resources else {}
    for name in fonts:
        font = fonts[name]
        if "/ToUnicode" in font:
            mapping.update(_cmap(font["/ToUnicode"].data))
    return mapping


def signature_widget(content: bytes, field: str):
    """The widget annotation of signature field `field`."""
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    for ref in reader.root["/AcroForm"]["/Fields"]:
        candidate = ref.get_object()
        if str(candidate.get("/T")) == field:
            return candidate
    raise KeyError(field)


def appearance_text(content: bytes, field: str) -> str:
    """The text drawn by the signature field's normal appearance stream (/AP /N), decoded
    glyph by glyph through the embedded font's ToUnicode CMap (not its /ActualText): what a
    reader shows. Lines are separated by newlines; a glyph without a mapping shows as '\\ufffd'."""
    widget = signature_widget(content, field)
    stream = widget["/AP"]["/N"]
    cmap = _fonts_cmaps(stream.get("/Resources"))
    data = _LITERAL.sub(b"()", stream.data)  # /ActualText strings: not what is drawn
    lines, current = [], []
    for match in _TEXT_OP.finditer(data):
        if match.group("newline"):
            if current:
                lines.append("".join(current))
                current = []
            continue
        raw = (
            match.group("array")
            if match.group("array") is not None
            else (b"<" + match.group("hex") + b">")
        )
        for hexstring in _HEX.findall(raw):
            codes = bytes.fromhex(hexstring.decode())
            for i in range(0, len(codes), 2):
                current.append(cmap.get(int.from_bytes(codes[i : i + 2], "big"), "\ufffd"))
    if current:
        lines.append("".join(current))
    return "\n".join(lines)
