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
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
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
