"""Report text -> Report(title, years, blocks): cleaning, re-flow and the heading outline.

Pure text work: no files, no index. A *block* is a paragraph of the cleaned report; a heading is
a block too (``level`` set), so an exact phrase in a heading is found like any other.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

CN_NUM = "一二三四五六七八九十百零〇两"
# Ends a paragraph wherever it stands.
STRONG_END = set("。！？!?…")
# Ends a paragraph unless the line is a full hard-wrapped line.
WEAK_END = set("；;：:”’」』")
# A line starting with these continues the previous one (a break inside a sentence).
CONTINUES = set("，,、。；;：:！!？?）)」』”’》")

# (pattern, rank, level); rank orders nesting, level is what the outline reports.
HEADING_STYLES = [
    (re.compile(rf"^第[{CN_NUM}\d]+(?:部分|章|篇)"), 0, 1),
    (re.compile(rf"^[{CN_NUM}]+(?:、|[.．](?!\d))"), 1, 1),
    (re.compile(rf"^[（(][{CN_NUM}]+[）)]"), 2, 2),
    (re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))"), 3, 3),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 4, 3),
]
PLAIN_HEADING_RANK = 1  # an unnumbered short line between sections ("下一步工作安排")
HEADING_MAX = 60  # a numbered line longer than this is a heading only up to its first sentence

TITLE_WORDS = re.compile(r"总结|报告|要点|计划|打算|规划|安排|意见|方案|讲话|述职|汇报|纲要|决议")
YEAR_RE = re.compile(r"(?<!\d)(19[4-9]\d|20[0-9]\d)(?!\d)")
SENTENCE_END_RE = re.compile(r"[。！？!?]")


@dataclass
class Block:
    number: int  # 1-based, in document order; headings count
    text: str  # as in the file, re-flowed, boilerplate gone
    start: int  # offsets into Report.text
    end: int
    section_path: tuple[str, ...]  # headings from level 1 down (a heading includes itself)
    section_no: str  # "2.1.3": position among siblings at each level
    level: int | None = None  # heading level 1-3; None for a body paragraph
    page: int | None = None  # 1-based page of the original file (PDF) where the block starts

    @property
    def is_heading(self) -> bool:
        return self.level is not None


BODY = -1  # Piece.level of a paragraph that is never a heading


@dataclass
class Piece:
    """A paragraph as a file reader found it, before cleaning and the outline.

    ``level`` is what the file's own structure says: 0 the document's title, 1-9 a heading
    (a Word heading style or outline level), BODY never a heading (a table row, a footnote),
    None a paragraph whose text decides (the ``一、``/``（一）`` rules)."""

    text: str
    level: int | None = None
    page: int | None = None


@dataclass
class Report:
    title: str
    title_source: str  # "text", "file name" or "first sentence"
    years: list[int]
    blocks: list[Block] = field(default_factory=list)
    format: str = "txt"  # the file's format: txt, md, docx, pdf, doc, wps

    @property
    def text(self) -> str:
        """The cleaned report: one block a line."""
        return "\n".join(b.text for b in self.blocks)

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.is_heading]

    @property
    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if not b.is_heading]


class Cleaner:
    """Drops boilerplate: a pattern found in a line, or in a re-flowed paragraph, no longer than
    ``max_line``. Paragraphs are checked too because some footers (Wikisource's licence notice)
    arrive cut into link-sized lines that only read as the notice once joined."""

    def __init__(self, patterns: Sequence[str], max_line: int = 160):
        self.patterns = [re.compile(p) for p in patterns]
        self.max_line = max_line

    def is_boilerplate(self, line: str) -> bool:
        return len(line) <= self.max_line and any(p.search(line) for p in self.patterns)


def display_width(text: str) -> int:
    # Ambiguous-width characters (“”、…) are wide in Chinese text.
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def heading_style(text: str) -> tuple[int, int] | None:
    """(rank, level) when ``text`` starts like a numbered heading."""
    for pattern, rank, level in HEADING_STYLES:
        if pattern.match(text):
            return rank, level
    return None


def split_heading(text: str) -> tuple[str, str] | None:
    """A numbered paragraph -> (heading, rest of the paragraph), or None if it is no heading.

    >>> split_heading("（一）众志成城，疫情防控成效显著。一是强化组织领导。")
    ('（一）众志成城，疫情防控成效显著。', '一是强化组织领导。')
    """
    if heading_style(text) is None:
        return None
    if len(text) <= HEADING_MAX:
        end = SENTENCE_END_RE.search(text)
        if end is None or end.end() == len(text):
            return text, ""
    end = SENTENCE_END_RE.search(text, 0, HEADING_MAX + 1)
    if end is None:
        return None  # a long numbered item, not a heading
    return text[: end.end()], text[end.end():].strip()


def _is_plain_heading(text: str) -> bool:
    return (
        len(text) <= 20
        and re.search(f"[{CN_NUM}\u4e00-\u9fff]", text) is not None
        and not any(unicodedata.category(c).startswith("P") for c in text)
    )


# The Unicode blocks that hold format characters (category Cf): Latin-1 to Arabic, Syriac,
# Mongolian, general punctuation, specials, Kaithi, Egyptian hieroglyph and shorthand format
# controls, musical symbols, tags. Scanning 5,000 code points, not two planes, takes the table
# from 21 ms to under 1 ms in every process that reads a report (adding one report to an
# index is one); tests/test_reports.py checks that no Cf character of this Python lies outside.
FORMAT_PLANES = (range(0x0000, 0x0900), range(0x1800, 0x18B0), range(0x2000, 0x2070),
                 range(0xFE00, 0x10000), range(0x11000, 0x11100), range(0x13400, 0x13460),
                 range(0x1BC00, 0x1BCB0), range(0x1D100, 0x1D200), range(0xE0000, 0xE0080))


@functools.cache
def _format_chars() -> re.Pattern:
    # Format characters (Unicode category Cf: zero-width space, BOM, direction marks) are
    # invisible: a title of only U+200B showed as an empty link, and one inside a phrase kept
    # an exact-phrase search from matching it.
    chars = [chr(c) for plane in FORMAT_PLANES for c in plane
             if unicodedata.category(chr(c)) == "Cf"]
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def strip_invisible(text: str) -> str:
    """``text`` without format characters.

    >>> strip_invisible("\u200b政府\u200d工作\ufeff")
    '政府工作'
    """
    return _format_chars().sub("", text)


def _clean_lines(raw: str, cleaner: Cleaner) -> list[str]:
    """Trimmed lines without format characters, boilerplate turned into blank lines (which end
    a paragraph)."""
    lines = []
    for line in strip_invisible(raw).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip().strip("\u3000").strip()
        lines.append("" if line and cleaner.is_boilerplate(line) else line)
    return lines


def _wrap_width(lines: list[str]) -> int | None:
    """The width of a hard-wrapped document's full lines, or None if it is not wrapped."""
    open_lines = [
        display_width(s) for s in lines if s and s[-1] not in STRONG_END and display_width(s) >= 30
    ]
    if len(open_lines) < 5 or len(open_lines) < 0.3 * sum(1 for s in lines if s):
        return None
    open_lines.sort()
    return open_lines[int(len(open_lines) * 0.75)]


def _joins(prev: str, nxt: str, after: str, wrap: int | None) -> bool:
    """Does line ``nxt`` continue the paragraph that line ``prev`` ends? (``after`` follows it.)"""
    if not nxt or heading_style(nxt):
        return False
    style = heading_style(prev)
    if style and len(prev) <= HEADING_MAX and prev[-1] not in "，,、":
        return False
    if nxt[0] in CONTINUES:
        return True
    if prev[-1] in STRONG_END:
        return False
    if len(nxt) == 1 and _is_han(nxt) and prev[-1] not in WEAK_END:
        return True  # a link cut out of a word: "政府工作报" / "告", "权力过分" / "集" / "，…"
    width = display_width(prev)
    if wrap and width >= wrap - 8:
        return True
    if prev[-1] in WEAK_END:
        return False
    if after and after[0] in CONTINUES:
        return True  # a link's text on a line of its own: "…所作的" / "政府工作报告" / "。会议…"
    return width >= 60 and not style  # a long line cut mid-sentence


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _glue(a: str, b: str) -> str:
    # A space survives only between two Latin letters or digits ("CFL" + "信息" -> "CFL信息").
    if a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def reflow(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines into paragraphs."""
    wrap = _wrap_width(lines)
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        current = _glue(current, line) if current else line
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        after = lines[i + 2] if i + 2 < len(lines) else ""
        if not _joins(line, nxt, after, wrap):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def clean_piece(text: str) -> str:
    """A paragraph's text trimmed of format characters and surrounding (ideographic) space."""
    return strip_invisible(text).strip().strip("\u3000").strip()


def lines_to_pieces(raw: str, cleaner: Cleaner) -> list[Piece]:
    """Plain text (hard-wrapped or not) -> pieces."""
    return [Piece(text) for text in reflow(_clean_lines(raw, cleaner))]


def _reads_as_title(text: str) -> bool:
    # Not a sentence ("现在，我代表国务院，向大会报告政府工作，请…"), a note in brackets or a
    # dateline, and something to read: a title of only "——" is as invisible as an empty one.
    return (
        not SENTENCE_END_RE.search(text)
        and text.count("，") < 2
        and not text.startswith(("——", "—", "（", "("))
        and any(c.isalnum() for c in text)
    )


def _find_title(paragraphs: list[str]) -> int | None:
    """Index of the title among the first paragraphs, or None."""
    window = []
    for i, text in enumerate(paragraphs[:12]):
        if heading_style(text) or len(text) > 80:
            break
        window.append(i)
    for i in window:
        text = paragraphs[i]
        if TITLE_WORDS.search(text) and len(text) <= 60 and text[-1] not in "：:" and (
            _reads_as_title(text)
        ):
            return i
    if window and window[0] == 0:
        first = paragraphs[0]
        if len(first) <= 40 and first[-1] not in "：:，," and _reads_as_title(first):
            return 0
    return None


def _title_from_name(name: str) -> str | None:
    """The file name as a title: from its first part with Chinese in it ("GWR_1954_1954年…报告"
    -> "1954年…报告"), else the whole stem ("004_de420432b1c26cef"), which at least tells
    the reports apart where a first sentence cut short did not."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    parts = re.split(r"[_\s]+", stem)
    while parts and not re.search(r"[\u4e00-\u9fff]", parts[0]):
        parts.pop(0)
    return " ".join(parts) or stem.strip() or None


def _years(*texts: str) -> list[int]:
    for text in texts:
        found = sorted({int(y) for y in YEAR_RE.findall(text)})
        if found:
            return found
    return []


def parse_report(raw: str, name: str = "", cleaner: Cleaner | None = None) -> Report:
    """Parse one report's text. ``name`` (the file name) is the fallback for the title."""
    cleaner = cleaner or Cleaner([])
    return build_report(lines_to_pieces(raw, cleaner), name, cleaner)


STYLED_RANK = {1: 1, 2: 2, 3: 3}  # a styled heading's level -> the rank of the text rules


def build_report(pieces: list[Piece], name: str = "", cleaner: Cleaner | None = None) -> Report:
    """Pieces from any reader -> the report: title, outline, blocks. A heading the file marks
    as one (a Word style) is taken as it is; other pieces go through the text rules."""
    cleaner = cleaner or Cleaner([])
    pieces = [Piece(t, p.level, p.page) for p in pieces
              if (t := clean_piece(p.text)) and not cleaner.is_boilerplate(t)]

    marked = next((i for i, p in enumerate(pieces) if p.level == 0), None)
    title_at = marked if marked is not None else _find_title(
        [p.text for p in pieces if p.level is None])
    if marked is None and title_at is not None:  # an index among the unmarked pieces
        title_at = [i for i, p in enumerate(pieces) if p.level is None][title_at]
    if title_at is not None:
        title, source = pieces.pop(title_at).text, "text"
    elif title := _title_from_name(name):
        source = "file name"
    else:
        first = pieces[0].text if pieces else "untitled"
        end = SENTENCE_END_RE.search(first)
        title = first[: end.start()] if end and end.start() else first
        title, source = (title[:30] + "…" if len(title) > 30 else title), "first sentence"

    report = Report(title=title, title_source=source, years=[])
    stack: list[tuple[int, str, int]] = []  # (rank, heading text, sibling ordinal)
    counts: dict[tuple[str, ...], int] = {}  # children seen under each path
    offset = 0

    def add(text: str, level: int | None, page: int | None) -> None:
        nonlocal offset
        path = tuple(h for _, h, _ in stack)
        number = ".".join(str(o) for _, _, o in stack)
        report.blocks.append(Block(len(report.blocks) + 1, text, offset, offset + len(text),
                                   path, number, level, page))
        offset += len(text) + 1

    def push(rank: int, text: str) -> None:
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = tuple(h for _, h, _ in stack)
        counts[parent] = counts.get(parent, 0) + 1
        stack.append((rank, text, counts[parent]))

    # A file that marks its headings (Word styles) has no unmarked plain-text headings.
    seen_heading = False
    plain_headings = not any(p.level for p in pieces if p.level != BODY)
    for piece in pieces:
        text = piece.text
        if piece.level == BODY:
            add(text, None, piece.page)
        elif piece.level:  # marked by the file: Heading 1 is level 1, deeper ones nest below 3
            push(STYLED_RANK.get(piece.level, 4), text)
            add(text, min(piece.level, 3), piece.page)
            seen_heading = True
        elif split := split_heading(text):
            heading, rest = split
            rank, level = heading_style(heading)
            push(rank, heading)
            add(heading, level, piece.page)
            if rest:
                add(rest, None, piece.page)
            seen_heading = True
        elif seen_heading and plain_headings and _is_plain_heading(text):
            push(PLAIN_HEADING_RANK, text)
            add(text, 1, piece.page)
        else:
            add(text, None, piece.page)

    level1 = " ".join(b.text for b in report.blocks if b.level == 1)
    first_body = next((b.text for b in report.paragraphs), "")
    report.years = _years(title, name, level1, first_body[:200])
    return report
