"""The index schema: field names, record keys and SCHEMA_VERSION.

One Whoosh index holds two kinds of record: one per paragraph (``kind=para``; headings are
paragraphs too) and one per document (``kind=doc``) with the file's metadata.
"""

from __future__ import annotations

from whoosh import fields as wf

from .analysis import UnigramTokenizer, build_char_analyzer, build_word_analyzer
from .ranking import HEADING_BOOST, TITLE_BOOST

SCHEMA_VERSION = 2  # bump on any change below: an index of another version is rebuilt

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
CHAR = "char"  # distinct single characters, without positions
PATH = "path"
CONTENT_HASH = "content_hash"
PARAGRAPH_COUNT = "paragraph_count"
INDEXED_AT = "indexed_at"
SIZE = "size"
TITLE_SOURCE = "title_source"
OUTLINE = "outline"

KIND_PARA = "para"
KIND_DOC = "doc"



def para_key(doc_id: str, number: int) -> str:
    return f"{doc_id}/{number}"


def build_schema(user_words, stop_words) -> wf.Schema:
    words = build_word_analyzer(user_words, stop_words)
    return wf.Schema(**{
        KIND: wf.ID(stored=True),
        KEY: wf.ID(stored=True, unique=True),
        DOC_ID: wf.ID(stored=True, sortable=True),
        TITLE: wf.STORED(),
        TITLE_WORDS: wf.TEXT(analyzer=words, phrase=False, field_boost=TITLE_BOOST),
        YEARS: wf.KEYWORD(stored=True, commas=True),
        SECTION: wf.ID(stored=True, sortable=True),
        SECTION_PATH: wf.STORED(),
        SECTION_NO: wf.STORED(),
        HEADING_WORDS: wf.TEXT(analyzer=words, phrase=False, field_boost=HEADING_BOOST),
        PARAGRAPH: wf.NUMERIC(stored=True, sortable=True),
        LEVEL: wf.STORED(),
        TEXT: wf.STORED(),
        START: wf.STORED(),
        END: wf.STORED(),
        BODY: wf.TEXT(analyzer=words, phrase=True),
        CHARS: wf.TEXT(analyzer=build_char_analyzer(), phrase=True),
        CHAR: wf.TEXT(analyzer=UnigramTokenizer(), phrase=False),
        PATH: wf.STORED(),
        CONTENT_HASH: wf.STORED(),
        PARAGRAPH_COUNT: wf.STORED(),
        INDEXED_AT: wf.STORED(),
        SIZE: wf.STORED(),
        TITLE_SOURCE: wf.STORED(),
        OUTLINE: wf.STORED(),
    })
