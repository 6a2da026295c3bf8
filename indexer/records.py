"""What a search reads about every record, kept per segment: the document records, and per
record its document and top-level section; and the facets counted from them.

A segment never changes once written (only its deletions do), so each is read once per process
and reused by every later index generation that still holds it: adding one report to an index
of 100,000 paragraphs reads its new segment only, not 200,000 column values again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import schema as f
from .matching import term_ids


@dataclass
class _Segment:
    docs: list[tuple[int, dict]]  # (record number in the segment, stored fields)
    doc_names: list[str]
    doc_code: np.ndarray  # per record: index into doc_names
    section_names: list[str]
    section_code: np.ndarray


@dataclass
class Columns:
    doc_names: list[str]
    doc_code: np.ndarray
    section_names: list[str]
    section_code: np.ndarray
    year_names: list[str]
    # Years are a report's (schema.add_report tags each of its records with them), so a year
    # counts the matches of the reports it tags: 2,000 (report, year) pairs, not 100,000 records.
    year_docs: np.ndarray  # per (report, year) pair: the report's index in doc_names,
    year_code: np.ndarray  # and the year's index in year_names


class RecordCache:
    """Per-segment reads, shared by the generations of one index in one process."""

    def __init__(self):
        self._segments: dict[str, _Segment] = {}

    def _parts(self, reader) -> list[tuple[_Segment, object, int]]:
        parts, kept = [], {}
        for segment_reader, offset in reader.leaf_readers():
            key = segment_reader.segment().segment_id()
            part = self._segments.get(key) or _read_segment(segment_reader)
            kept[key] = part
            parts.append((part, segment_reader, offset))
        self._segments = kept  # segments merged away are dropped
        return parts

    def doc_records(self, reader) -> list[dict]:
        """The stored fields of every live document record."""
        return [stored for part, segment_reader, _ in self._parts(reader)
                for number, stored in part.docs if not segment_reader.is_deleted(number)]

    def columns(self, reader) -> Columns:
        """The facet columns over the whole index (record numbers as the searcher counts)."""
        parts = self._parts(reader)
        doc_names, doc_code = _joined([(p.doc_names, p.doc_code) for p, _, _ in parts])
        section_names, section_code = _joined([(p.section_names, p.section_code)
                                               for p, _, _ in parts])
        years: dict[str, int] = {}
        pairs = [(doc_code[offset + number], years.setdefault(year.strip(), len(years)))
                 for part, segment_reader, offset in parts for number, stored in part.docs
                 if not segment_reader.is_deleted(number)  # a report indexed again may have
                 for year in stored.get(f.YEARS, "").split(",") if year.strip()]  # other years now
        year_docs, year_code = np.array(pairs, np.int64).reshape(-1, 2).T
        return Columns(doc_names, doc_code, section_names, section_code, list(years),
                       year_docs, year_code)


def _read_segment(reader) -> _Segment:
    docs = [(number, reader.stored_fields(number))
            for number in term_ids(reader, f.KIND, f.KIND_DOC).tolist()]
    doc_names, doc_code = column_codes(reader, f.DOC_ID)
    section_names, section_code = column_codes(reader, f.SECTION)
    return _Segment(docs, doc_names, doc_code, section_names, section_code)


def column_codes(reader, fieldname: str) -> tuple[list[str], np.ndarray]:
    """The distinct values of a column, and per record the index of its value among them."""
    names: dict = {}
    count = reader.doc_count_all()
    if not reader.has_column(fieldname):
        return [""], np.zeros(count, np.int64)
    values = reader.column_reader(fieldname, translate=False)
    decode = reader.schema[fieldname].from_column_value
    if hasattr(values, "codes"):  # codec.CodeColumn: the codes are on disk
        return [decode(v) for v in values.values()], values.codes()
    codes = np.fromiter((names.setdefault(v, len(names)) for v in values), np.int64, count)
    return [decode(v) for v in names], codes


def _joined(parts: list[tuple[list[str], np.ndarray]]) -> tuple[list[str], np.ndarray]:
    """Per-segment codes as codes into one list of names."""
    names: dict[str, int] = {}
    codes = []
    for part_names, part_codes in parts:
        remap = np.array([names.setdefault(n, len(names)) for n in part_names], np.int64)
        codes.append(remap[part_codes] if len(part_codes) else part_codes)
    return list(names), np.concatenate(codes) if codes else np.zeros(0, np.int64)


def facets(columns: Columns, records: np.ndarray, size: int,
           labels: dict[str, str]) -> dict[str, list[dict]]:
    """The ``size`` documents, years and top-level sections holding most of ``records``."""
    per_doc = np.bincount(columns.doc_code[records], minlength=len(columns.doc_names))
    per_year = np.bincount(columns.year_code, per_doc[columns.year_docs],
                           len(columns.year_names)).astype(np.int64)
    # size + 1: the empty section ("no heading yet") is counted but never listed
    return {
        "doc": _facet(_counted(columns.doc_names, per_doc, size + 1), size, labels),
        "year": _facet(_counted(columns.year_names, per_year, 0), size),
        "section": _facet(_counted(columns.section_names, np.bincount(
            columns.section_code[records], minlength=len(columns.section_names)), size + 1),
            size),
    }


def _facet(counts: dict, size: int, labels: dict[str, str] | None = None) -> list[dict]:
    """The ``size`` values with the most matches, then by label."""
    items = [
        {"value": value, "label": (labels or {}).get(value, value), "count": count}
        for value, count in counts.items() if count and value not in ("", None)
    ]
    return sorted(items, key=lambda x: (-x["count"], x["label"]))[:size]


def _counted(names: list, counts: np.ndarray, size: int) -> dict:
    """Matches per value, for the values that can be among the ``size`` with the most (ties
    with the last included): 2,000 reports need not become 2,000 facet items per search."""
    found = np.flatnonzero(counts)
    if len(found) > size > 0:
        cut = np.partition(counts[found], len(found) - size)[len(found) - size]
        found = found[counts[found] >= cut]
    return {names[i]: int(counts[i]) for i in found.tolist()}
