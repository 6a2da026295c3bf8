"""Word .docx -> pieces: python-docx opens the package, the paragraph XML is read here.

python-docx's ``paragraph.text`` drops tracked insertions (``w:ins``) and content controls
(``w:sdt``) and never sees text boxes or footnotes, so the body is walked element by element:
deleted text (``w:del``, ``w:delText``, ``w:moveFrom``) and field codes (``w:instrText``) are
skipped, and of a text box's two copies (``mc:Choice`` and the VML ``mc:Fallback``) one is read.
Headings come from the file's own structure (a ``Heading N``/``标题 N`` style, or an outline
level) before the text rules of ``reports.build_report``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from ..errors import UnreadableFileError
from ..reports import BODY, Piece

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
SKIPPED = {W + "del", W + "delText", W + "moveFrom", W + "instrText", W + "delInstrText",
           W + "pPr", W + "rPr", W + "sectPr", W + "footnoteReference", W + "endnoteReference",
           MC + "Fallback"}
BREAKS = {W + "br", W + "cr"}
CELL_SEPARATOR = " | "
HEADING_NAME = re.compile(r"^(?:heading|标题)\s*(\d)$")
TITLE_NAMES = {"title", "标题"}
BODY_LEVEL = 9  # w:outlineLvl 9 is "body text"
NOTES = ("footnotes", "endnotes")


def check_package(data: bytes, max_unzipped: int) -> None:
    """Refuse what is no .docx, a zip bomb, or XML with a DTD, before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFileError("not a .docx (not a zip archive)") from None
    with archive:
        members = archive.infolist()
        if "word/document.xml" not in {m.filename for m in members}:
            raise UnreadableFileError("not a .docx (no word/document.xml)")
        unzipped = sum(m.file_size for m in members)
        if unzipped > max_unzipped:
            raise UnreadableFileError(
                f"unpacks to {unzipped / 1e6:.0f} MB, over the {max_unzipped / 1e6:.0f} MB limit "
                "(a zip bomb?)")
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                head = archive.read(member)
                # Word never writes a DTD; one is an entity bomb or an external entity (XXE).
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise UnreadableFileError(f"{member.filename} declares a DTD or entities, "
                                              "which Word never writes: refused")


def read_docx(data: bytes, max_unzipped: int) -> list[Piece]:
    check_package(data, max_unzipped)
    import docx  # only in the parser process
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as e:
        if e.code == etree.ErrorTypes.ERR_NO_MEMORY:  # libxml2's way of saying MemoryError
            raise MemoryError from None
        raise UnreadableFileError(f"damaged .docx (XML: {e})") from None
    except MemoryError:
        raise  # the memory limit, not a damaged file
    except Exception as e:  # python-docx and lxml raise many kinds on a damaged package
        raise UnreadableFileError(f"damaged .docx ({type(e).__name__}: {e})") from None
    levels = style_levels(document.styles.element)
    reader = _Body(levels)
    pieces = list(reader.blocks(document.element.body))
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype.rsplit("/", 1)[-1] in NOTES:
            pieces += reader.notes(docx.oxml.parse_xml(rel.target_part.blob))
    return pieces


def style_levels(styles) -> dict[str, int | None]:
    """Paragraph style id -> heading level (0 for a title style, None for body text), resolved
    once per file through ``w:basedOn``: asking python-docx for ``.style.name`` per paragraph
    walks the styles part every time."""
    own: dict[str, tuple[int | None, str | None]] = {}
    for style in styles.iterchildren(W + "style"):
        if style.get(W + "type") != "paragraph":
            continue
        name = _val(style.find(W + "name")) or ""
        level = None
        if match := HEADING_NAME.match(name.strip().lower()):
            level = int(match.group(1))
        elif name.strip().lower() in TITLE_NAMES:
            level = 0
        elif (outline := _outline(style.find(W + "pPr"))) is not None:
            level = outline
        own[style.get(W + "styleId")] = (level, _val(style.find(W + "basedOn")))

    def resolve(style_id: str, seen: set[str]) -> int | None:
        level, parent = own.get(style_id, (None, None))
        if level is not None or parent is None or parent in seen:
            return level
        return resolve(parent, seen | {parent})

    return {style_id: resolve(style_id, {style_id}) for style_id in own}


def _val(element) -> str | None:
    return None if element is None else element.get(W + "val")


def _outline(ppr) -> int | None:
    """A ``w:outlineLvl`` as a heading level (1-9), or None for body text / none set."""
    if ppr is None or (value := _val(ppr.find(W + "outlineLvl"))) is None:
        return None
    level = int(value) + 1 if value.isdigit() else BODY_LEVEL + 1
    return level if level <= BODY_LEVEL else None


class _Body:
    def __init__(self, levels: dict[str, int | None]):
        self.levels = levels

    def blocks(self, parent) -> Iterator[Piece]:
        """Pieces of a body, cell, text box or note, in document order."""
        for element in parent.iterchildren():
            tag = element.tag
            if tag == W + "p":
                yield from self.paragraph(element)
            elif tag == W + "tbl":
                yield from self.table(element)
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins",
                         W + "smartTag"):
                yield from self.blocks(element)

    def paragraph(self, p) -> Iterator[Piece]:
        parts: list[str] = []
        boxes: list = []
        _collect(p, parts, boxes)
        level = self.level(p.find(W + "pPr"))
        for line in "".join(parts).split("\n"):  # a line break is a paragraph break here
            if line.strip():
                yield Piece(line, level)
        for box in boxes:
            yield from self.blocks(box)

    def level(self, ppr) -> int | None:
        if ppr is None:
            return None
        direct = ppr.find(W + "outlineLvl")
        if direct is not None:
            return _outline(ppr)
        style = _val(ppr.find(W + "pStyle"))
        return self.levels.get(style) if style else None

    def table(self, table) -> Iterator[Piece]:
        for row in table.iter(W + "tr"):
            if _ancestor_table(row) is not table:
                continue  # a nested table's rows are read as part of their cell
            cells = []
            for cell in row.iterchildren(W + "tc"):
                text = " ".join(piece.text for piece in self.blocks(cell)).strip()
                if text:
                    cells.append(text)
            if cells:
                yield Piece(CELL_SEPARATOR.join(cells), BODY)

    def notes(self, root) -> Iterator[Piece]:
        for note in root.iterchildren():
            if note.get(W + "type") in (None, "normal"):
                for piece in self.blocks(note):
                    yield Piece(piece.text, BODY)


def _ancestor_table(row):
    for ancestor in row.iterancestors(W + "tbl"):
        return ancestor
    return None


def _collect(element, parts: list[str], boxes: list) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            continue  # comments and processing instructions have no str tag
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag == W + "tab":
            parts.append(" ")
        elif tag in BREAKS:
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "txbxContent":
            boxes.append(child)
        else:
            _collect(child, parts, boxes)
