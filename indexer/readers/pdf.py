"""PDF -> pieces with pypdfium2 (PDFium): lines rebuilt from the characters' positions, running
headers, footers and page numbers dropped, lines joined into paragraphs by their layout.

pypdfium2 rather than PyMuPDF (AGPL) or pdfminer.six (25x slower, and it invents characters
where a font has no ToUnicode map; PDFium flags those, see ``_unmapped``).

PDFium's own text breaks a line wherever a glyph sits off the baseline (一 in some fonts, a
digit from a fallback font) and puts spaces between widely spaced characters (公文 layout), and
the text alone cannot tell a line that ends a paragraph from a full line that happens to end
with 。. So lines are rebuilt from each character's origin, and a paragraph starts where the
layout says so: a first-line indent, a short line before, a wider gap, a centred line, or a
numbered heading. Without an indent anywhere (block paragraphs), the gap and short lines decide.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ..errors import UnreadableFileError
from ..reports import Piece, _glue, clean_piece, heading_style

NO_TEXT = "no usable text layer (scanned? needs OCR)"
PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.IGNORECASE)
BODY_MARKS = set("，。；：！？、")
EDGE_LINES = 3  # a running header or footer is among a page's first or last lines
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
QUOTES = "\u2010-\u2027"  # dashes, curly quotes, ellipsis: set wide in Chinese text
FULL_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20"  # 。，、；：（） never take a space
CJK_GAP = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}{QUOTES}])|(?<=[{CJK}{QUOTES}])\s+(?=[{CJK}])"
                     rf"|\s+(?=[{FULL_PUNCT}])|(?<=[{FULL_PUNCT}])\s+")
BAD_SHARE = 0.3  # characters PDFium cannot map to Unicode, above which the layer is garbage


@dataclass
class Line:
    text: str
    left: float  # PDF points; y grows upwards
    right: float
    y: float  # the baseline
    size: float  # the font size
    page: int


def read_pdf(data: bytes) -> list[Piece]:
    import pypdfium2 as pdfium  # only in the parser process

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise UnreadableFileError(f"not a readable PDF ({e})") from None
    pages: list[list[Line]] = []
    chars = bad = 0
    with pdf:
        for number in range(len(pdf)):
            page = pdf[number]
            text = page.get_textpage()
            counted, unmapped = _unmapped(text)
            chars, bad = chars + counted, bad + unmapped
            pages.append(page_lines(text, number + 1))
            text.close()
            page.close()
    if chars == 0 or bad > BAD_SHARE * chars:
        raise UnreadableFileError(NO_TEXT)
    pieces = paragraphs([line for page in drop_running(pages) for line in page])
    if not pieces:
        raise UnreadableFileError(NO_TEXT)
    return pieces


def page_lines(text, page: int) -> list[Line]:
    """A page's lines, from its characters' origins: a character off the current baseline by
    more than half its size, or left of where the line got to, starts a new line."""
    import pypdfium2.raw as raw

    handle = text.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    box = [ctypes.c_double() for _ in range(4)]
    lines: list[Line] = []
    chars: list[tuple[str, float, bool]] = []  # (character, origin x, PDFium put a space before)
    current: Line | None = None
    spaced = False
    last = -1

    def close() -> None:
        if current is not None and chars:
            raw.FPDFText_GetCharBox(handle, last, *(ctypes.byref(b) for b in box))
            current.right = max(current.right, box[1].value)
            current.text = CJK_GAP.sub("", _spaced(chars).strip())
            if current.text:
                lines.append(current)

    for index in range(text.count_chars()):
        code = raw.FPDFText_GetUnicode(handle, index)
        if raw.FPDFText_IsGenerated(handle, index) or code in (0, 0xFFFE, 0xFFFF, 0xD, 0xA):
            spaced = spaced or code == 0x20
            continue  # spaces and line ends PDFium made up
        raw.FPDFText_GetCharOrigin(handle, index, ctypes.byref(x), ctypes.byref(y))
        size = raw.FPDFText_GetFontSize(handle, index) or 1.0
        if current is None or abs(y.value - current.y) > 0.5 * max(size, current.size) or (
                x.value < current.right - 2 * size):
            close()
            current, chars = Line("", x.value, x.value, y.value, size, page), []
        chars.append((chr(code), x.value, spaced))
        spaced = False
        current.right = max(current.right, x.value)
        last = index
    close()
    return lines


def _spaced(chars: list[tuple[str, float, bool]]) -> str:
    """A line's text with the spaces PDFium saw between words, not those it puts between the
    characters of a widely spaced line (公文 layout: "关 于 做 好"): there, only a gap wider
    than the line's usual step is a space."""
    steps = sorted(b[1] - a[1] for a, b in zip(chars, chars[1:], strict=False))
    step = steps[len(steps) // 2] if steps else 0.0
    wide = sum(c[2] for c in chars[1:]) > 0.5 * max(1, len(chars) - 1)
    out = []
    for i, (ch, at, space) in enumerate(chars):
        if space and i and (not wide or at - chars[i - 1][1] > 1.4 * step):
            out.append(" ")
        out.append(ch)
    return "".join(out)


SAMPLE = 600  # visible characters checked per page: a font's map is broken for all or none


def _unmapped(text) -> tuple[int, int]:
    """(visible characters, those with a Unicode map error) among a page's first ``SAMPLE``."""
    import pypdfium2.raw as raw

    count = text.count_chars()
    has_error = getattr(raw, "FPDFText_HasUnicodeMapError", None)
    visible = bad = 0
    for index in range(count):
        code = raw.FPDFText_GetUnicode(text.raw, index)
        if code <= 0x20 or code in (0xFFFE, 0xFFFF):
            continue  # spaces and line ends PDFium generates
        visible += 1
        if code == 0xFFFD or (has_error and has_error(text.raw, index)):
            bad += 1
        if visible >= SAMPLE:
            break
    return visible, bad


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.replace(" ", ""))


def _edges(lines: list[Line]) -> dict[int, str]:
    """A page's first and last lines by position (0, 1, … from the top; -1, -2, … from the
    bottom)."""
    top = {i: line.text for i, line in enumerate(lines[:EDGE_LINES])}
    bottom = {i - len(lines): line.text for i, line in enumerate(lines)
              if i >= len(lines) - EDGE_LINES}
    return {**top, **bottom}


def drop_running(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without page numbers and without the lines that repeat at the same place at the
    top or bottom of at least half the pages (digits ignored: "第 3 页", a date)."""
    seen = Counter((at, _shape(line)) for lines in pages
                   for at, line in _edges(lines).items() if line)
    running = {key for key, n in seen.items()  # Chinese punctuation is body text, not a header
               if n >= max(2, len(pages) / 2) and not BODY_MARKS.intersection(key[1])}
    kept = []
    for lines in pages:
        edges = _edges(lines)
        drop = {i % len(lines) for i, line in edges.items()
                if (i, _shape(line)) in running or PAGE_NUMBER.match(line)}
        kept.append([line for i, line in enumerate(lines) if i not in drop])
    return kept


def paragraphs(lines: list[Line]) -> list[Piece]:
    """Lines (running ones gone) -> paragraphs, each with the page it starts on. A paragraph
    starts at a line in another font size, after a wider gap, at a numbered heading, at a
    centred line; and, where the text indents its paragraphs' first lines, at an indented line,
    else after a short line (a line that is short in indented text is often one the layout
    wrapped early before a number)."""
    if not lines:
        return []
    body = [line for line in lines if len(line.text) >= 8] or lines
    size = statistics.median(line.size for line in body)
    body = [line for line in body if abs(line.size - size) <= 0.1 * size] or body
    margin = statistics.median_low(round(line.left) for line in body)
    full = sorted(line.right for line in body)[int(len(body) * 0.9)]
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False)
            if a.page == b.page and 0 < a.y - b.y < 4 * size]
    step = statistics.median(gaps) if gaps else 2 * size
    indent = [margin + 0.8 * size < line.left < margin + 4 * size for line in lines]
    short = [line.right < full - 1.6 * size for line in lines]
    centred = [line.left > margin + 3 * size and line.right < full - 3 * size for line in lines]
    ends = [i for i in range(1, len(lines)) if short[i - 1] and not centred[i - 1]
            and lines[i - 1].text[-1] in "。！？：；"]
    indented = len(ends) >= 2 and sum(indent[i] for i in ends) >= 0.6 * len(ends)
    pieces: list[Piece] = []
    text, first = "", lines[0].page
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i else None
        if prev is None:
            starts = True
        elif abs(line.size - prev.size) > 0.1 * size:
            starts = True
        elif line.size > 1.1 * size:  # a title or heading set larger, over several lines
            starts = prev.page == line.page and prev.y - line.y > 1.5 * (line.size / size) * step
        else:
            # "１．７％" at a line's start is a wrapped number, not a heading, unless the line
            # before ended a sentence
            heading = heading_style(line.text) is not None and (
                short[i - 1] or prev.text[-1] in "。！？：；")
            starts = (indent[i] if indented else short[i - 1]) or centred[i] or centred[i - 1] \
                or heading or (prev.page == line.page and prev.y - line.y > 1.5 * step)
        if starts and text:
            pieces.append(Piece(text, None, first))
            text = ""
        if not text:
            first = line.page
        text = _glue(text, line.text) if text else line.text
    if text:
        pieces.append(Piece(text, None, first))
    return [Piece(t, None, p.page) for p in pieces if (t := clean_piece(p.text))]
