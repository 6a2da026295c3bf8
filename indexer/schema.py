"""The index schema: field names, record keys, the records of one report, SCHEMA_VERSION.

One Whoosh index holds two kinds of record: one per paragraph (``kind=para``; headings are
paragraphs too) and one per document (``kind=doc``) with the file's metadata.
"""

from __future__ import annotations

from datetime import UTC, datetime

from whoosh import fields as wf

from .analysis import UnigramTokenizer, build_char_analyzer, build_word_analyzer
from .codec import CodeColumn
from .postings import CompactPositions
from .ranking import HEADING_BOOST, TITLE_BOOST
from .reports import Report

SCHEMA_VERSION = 10  # bump on any change below: an index of another version is rebuilt

KIND = "kind"
KEY = "key"
DOC_ID = "doc_id"
TITLE = "title"
TITLE_WORDS = "title_words"
YEARS = "years"
SECTION = "section"  # the level-1 heading, for facets and filters
SECTION_PATH = "section_path"
SECTION_NO = "section_no"
HEADING_WORDS = "heading_words"
PARAGRAPH = "paragraph"
LEVEL = "level"
TEXT = "text"
START = "start"
END = "end"
BODY = "body"
CHARS = "chars"
CHAR = "char"  # single characters, counted, without positions
PATH = "path"
CONTENT_HASH = "content_hash"
PARAGRAPH_COUNT = "paragraph_count"
INDEXED_AT = "indexed_at"
SIZE = "size"
TITLE_SOURCE = "title_source"
OUTLINE = "outline"
ROLE = "role"  # ROLE_HEADING on a heading's record: ranked below the paragraphs it heads
ROLE_HEADING = "heading"
FORMAT = "format"  # the original file's format (txt, md, docx, pdf, doc, wps)
PAGE = "page"  # the page of the original (PDF) a paragraph starts on

KIND_PARA = "para"
KIND_DOC = "doc"



def para_key(doc_id: str, number: int) -> str:
    return f"{doc_id}/{number}"


class StoredColumn(wf.STORED):
    """A stored field with a column of its values too: the indexer reads every report's path
    and content hash from two columns instead of unpickling each report's record."""

    def __init__(self):
        super().__init__()
        self.column_type = CodeColumn()

    def to_column_value(self, value: str) -> bytes:
        return value.encode("utf-8")

    def from_column_value(self, value: bytes) -> str:
        return value.decode("utf-8")


def _compact(field: wf.TEXT) -> wf.TEXT:
    """A positional field with its positions stored as arrays (indexer/codec.py)."""
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def build_schema(user_words, stop_words) -> wf.Schema:
    words = build_word_analyzer(user_words, stop_words)
    return wf.Schema(**{
        KIND: wf.ID(stored=True),
        KEY: wf.STORED(),  # never searched: indexing it cost a term per record
        DOC_ID: wf.ID(stored=True, sortable=CodeColumn()),
        TITLE: wf.STORED(),
        TITLE_WORDS: wf.TEXT(analyzer=words, phrase=False, field_boost=TITLE_BOOST),
        YEARS: wf.KEYWORD(stored=True, commas=True),
        SECTION: wf.ID(stored=True, sortable=CodeColumn()),
        SECTION_PATH: wf.STORED(),
        SECTION_NO: wf.STORED(),
        HEADING_WORDS: wf.TEXT(analyzer=words, phrase=False, field_boost=HEADING_BOOST),
        PARAGRAPH: wf.STORED(),  # never searched (as a NUMERIC, ~8 terms per record)
        LEVEL: wf.STORED(),
        TEXT: wf.STORED(),
        START: wf.STORED(),
        END: wf.STORED(),
        # No positions: quoted phrases are matched on the character pairs
        BODY: wf.TEXT(analyzer=words, phrase=False),
        CHARS: _compact(wf.TEXT(analyzer=build_char_analyzer(), phrase=True)),
        CHAR: wf.TEXT(analyzer=UnigramTokenizer(), phrase=False),
        PATH: StoredColumn(),
        CONTENT_HASH: StoredColumn(),
        PARAGRAPH_COUNT: wf.STORED(),
        INDEXED_AT: wf.STORED(),
        SIZE: wf.STORED(),
        TITLE_SOURCE: wf.STORED(),
        OUTLINE: wf.STORED(),
        ROLE: wf.ID(),
        FORMAT: wf.STORED(),
        PAGE: wf.STORED(),
    })


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_report(writer, doc_id: str, path: str, digest: str, size: int, report: Report) -> None:
    """The records of one report: a document record and one record per paragraph."""
    years = ",".join(str(y) for y in report.years)
    outline = [[b.number, b.level, b.section_no, b.text] for b in report.headings]
    writer.add_document(**{
        KIND: KIND_DOC, KEY: doc_id, DOC_ID: doc_id, TITLE: report.title,
        TITLE_SOURCE: report.title_source, YEARS: years, PATH: path,
        CONTENT_HASH: digest, SIZE: size, PARAGRAPH_COUNT: len(report.blocks),
        INDEXED_AT: _now(), OUTLINE: outline, FORMAT: report.format,
    })
    for block in report.blocks:
        writer.add_document(**{
            KIND: KIND_PARA, KEY: para_key(doc_id, block.number), DOC_ID: doc_id,
            TITLE: report.title, TITLE_WORDS: report.title, YEARS: years,
            SECTION: block.section_path[0] if block.section_path else "",
            SECTION_PATH: list(block.section_path), SECTION_NO: block.section_no,
            HEADING_WORDS: " ".join(block.section_path), PARAGRAPH: block.number,
            LEVEL: block.level, TEXT: block.text, START: block.start, END: block.end,
            BODY: block.text, CHARS: block.text, CHAR: block.text,
            **({ROLE: ROLE_HEADING} if block.is_heading else {}),
            **({PAGE: block.page} if block.page else {}),
        })
