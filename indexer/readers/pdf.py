"""PDF -> pieces with pypdfium2 (PDFium): the text layer page by page, running headers,
footers and page numbers dropped, hard wraps re-flowed by ``reports.reflow_lines``.

pypdfium2 rather than PyMuPDF (AGPL) or pdfminer.six (25x slower, and it invents characters
where a font has no ToUnicode map; PDFium flags those, see ``unusable``).
"""

from __future__ import annotations

import re
from collections import Counter

from ..errors import UnreadableFileError
from ..reports import Cleaner, Piece, lines_to_pieces

NO_TEXT = "no usable text layer (scanned? needs OCR)"
PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.IGNORECASE)
BODY_MARKS = set("，。；：！？、")
EDGE_LINES = 3  # a running header or footer is among a page's first or last lines
WIDE = re.compile(r"(?<=\S) (?=\S)")  # one space between two characters
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
CJK_GAP = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
BAD_SHARE = 0.3  # characters PDFium cannot map to Unicode, above which the layer is garbage


def read_pdf(data: bytes) -> list[Piece]:
    import pypdfium2 as pdfium  # only in the parser process

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise UnreadableFileError(f"not a readable PDF ({e})") from None
    pages: list[list[str]] = []
    chars = bad = 0
    with pdf:
        for number in range(len(pdf)):
            page = pdf[number]
            text = page.get_textpage()
            counted, unmapped = _unmapped(text)
            chars, bad = chars + counted, bad + unmapped
            pages.append([unspace(line) for line in text.get_text_range().splitlines()])
            text.close()
            page.close()
    if chars == 0 or bad > BAD_SHARE * chars:
        raise UnreadableFileError(NO_TEXT)
    lines, numbers = [], []
    for number, page_lines in enumerate(drop_running(pages), 1):
        lines += page_lines
        numbers += [number] * len(page_lines)
    pieces = lines_to_pieces("\n".join(lines), Cleaner([]), numbers)
    if not pieces:
        raise UnreadableFileError(NO_TEXT)
    return pieces


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


def unspace(line: str) -> str:
    """A line without the spaces PDFium puts between widely spaced characters (公文 layout:
    "关 于 做 好" -> "关于做好") and between two Chinese characters.

    >>> unspace("资 1 0 0 万 元 ， 群 众")
    '资100万元，群众'
    >>> unspace("使用 CFL 系统")
    '使用 CFL 系统'
    """
    line = line.strip()
    words = line.split()
    if len(words) >= 4 and sum(len(w) == 1 for w in words) >= 0.7 * len(words):
        line = re.sub(r"\s{2,}", "\0", line)  # a wider gap is a real space
        line = WIDE.sub("", line).replace("\0", " ")
    return CJK_GAP.sub("", line)


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.replace(" ", ""))


def _edges(lines: list[str]) -> dict[int, str]:
    """A page's first and last lines by position (0, 1, … from the top; -1, -2, … from the
    bottom)."""
    top = {i: line for i, line in enumerate(lines[:EDGE_LINES])}
    bottom = {i - len(lines): line for i, line in enumerate(lines) if i >= len(lines) - EDGE_LINES}
    return {**top, **bottom}


def drop_running(pages: list[list[str]]) -> list[list[str]]:
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
