"""Writing a segment in bulk: postings kept as arrays, sorted once, written a term at a time.

Whoosh's ``SegmentWriter`` sends every posting through a pool of Python tuples that it sorts,
spills to disk and merges back: most of a rebuild's time. ``BulkWriter`` is that writer with
its pool replaced by ``ArrayPool`` (arrays per field, one numpy sort per field at the end),
and with the two character fields (pairs for phrases, single characters) analysed for a whole
segment at once in numpy instead of a token at a time. Everything else (stored fields, lengths,
deletions, merges, the table of contents) is Whoosh's own writer.

tests/test_bulk.py checks that a segment written this way holds exactly the postings, lengths
and stored fields of one written by Whoosh's writer.
"""

from __future__ import annotations

from array import array
from collections import Counter

import numpy as np
from whoosh.analysis import StopFilter
from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from .analysis import CHAR_COUNT_CAP, CharTokenizer, UnigramTokenizer, WordTokenizer, normalize
from .codec import ArrayCodec
from .postings import SMALL, CompactPositions

_SPACE = np.array([chr(c).isspace() for c in range(0x3001)])  # str.isspace; none above U+3000
# Short values analysed once per writer: a report's title and a section's headings are the
# same on each of its paragraphs.
_CACHE_LIMIT, _CACHE_CHARS = 10_000, 200


class FieldPostings:
    """One field's postings in insertion order: term ids, record numbers, weights, values."""

    def __init__(self):
        self.term_ids: dict[bytes, int] = {}
        self.terms, self.docs = array("I"), array("I")
        self.weights, self.value_lengths = array("d"), array("I")
        self.values = bytearray()

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, btext: bytes, docnum: int, weight: float, vbytes: bytes | None) -> None:
        term_ids = self.term_ids
        self.terms.append(term_ids.setdefault(btext, len(term_ids)))
        self.docs.append(docnum)
        self.weights.append(weight)
        self.value_lengths.append(len(vbytes) if vbytes else 0)
        if vbytes:
            self.values += vbytes

    def add_many(self, docnum: int, items: list[tuple]) -> None:
        """Add one record's postings: (term bytes, frequency, weight, value) each."""
        term_ids = self.term_ids
        self.terms.extend([term_ids.setdefault(item[0], len(term_ids)) for item in items])
        self.docs.extend([docnum] * len(items))
        self.weights.extend([item[2] for item in items])
        values = [item[3] or b"" for item in items]
        self.value_lengths.extend(map(len, values))
        self.values += b"".join(values)

    def extend(self, terms: list[bytes], codes: np.ndarray, docs: np.ndarray,
               weights: np.ndarray, value_lengths: np.ndarray, values: bytes) -> None:
        """Add postings given as arrays; ``codes`` index into ``terms``."""
        term_ids = self.term_ids
        ids = np.array([term_ids.setdefault(t, len(term_ids)) for t in terms], np.uint32)
        self.terms.frombytes(ids[codes].tobytes())
        self.docs.frombytes(docs.astype(np.uint32).tobytes())
        self.weights.frombytes(weights.astype(np.float64).tobytes())
        self.value_lengths.frombytes(value_lengths.astype(np.uint32).tobytes())
        self.values += values

    def sorted_terms(self):
        """(term bytes, ids, weights, value lengths, values bytes) per term, terms in byte
        order and each term's records ascending."""
        terms = np.frombuffer(self.terms, np.uint32)
        docs = np.frombuffer(self.docs, np.uint32).astype(np.int64)
        order = np.lexsort((docs, terms))
        lengths = np.frombuffer(self.value_lengths, np.uint32).astype(np.int64)
        values = _permute(np.frombuffer(bytes(self.values), np.uint8), lengths, order)
        docs, lengths = docs[order], lengths[order]
        weights = np.frombuffer(self.weights, np.float64)[order]
        counts = np.bincount(terms, minlength=len(self.term_ids))
        yield from _by_term(list(self.term_ids), counts, docs, weights, lengths, values)


class GroupedPostings:
    """A field's postings already grouped by term, records ascending within each term (what
    ``TextCollector.postings`` makes): written without sorting them again."""

    def __init__(self, terms: list[bytes], codes: np.ndarray, docs: np.ndarray,
                 weights: np.ndarray, value_lengths: np.ndarray, values: bytes):
        self.terms, self.counts = terms, np.bincount(codes, minlength=len(terms))
        self.docs, self.weights = docs.astype(np.int64), weights.astype(np.float64)
        self.value_lengths, self.values = value_lengths.astype(np.int64), values

    def __len__(self) -> int:
        return len(self.docs)

    def sorted_terms(self):
        return _by_term(self.terms, self.counts, self.docs, self.weights, self.value_lengths,
                        self.values)


def _by_term(names: list[bytes], counts: np.ndarray, docs, weights, lengths, values: bytes):
    """Postings grouped by term (term i holding the next ``counts[i]``), as
    ``FieldPostings.sorted_terms`` gives them: terms in byte order. A term of at most
    ``SMALL`` postings (most terms) comes as lists, sliced from lists made for all of them at
    once: slicing arrays a term at a time was a third of writing a report's 9,000 terms."""
    ends = np.cumsum(counts)
    first = ends - counts
    value_ends = np.concatenate([[0], np.cumsum(lengths)])
    term_values = zip(value_ends[first].tolist(), value_ends[ends].tolist(), strict=True)
    small = counts <= SMALL
    inside = np.repeat(small, counts)  # the postings of small terms, in term order
    lists = docs[inside].tolist(), weights[inside].tolist(), lengths[inside].tolist()
    sized = np.where(small, counts, 0)
    at_list = (np.cumsum(sized) - sized).tolist()  # where each small term starts in lists
    spans = list(zip(first.tolist(), ends.tolist(), term_values, small.tolist(), at_list,
                     strict=True))
    for term in sorted(range(len(names)), key=names.__getitem__):
        a, b, (v0, v1), is_small, at = spans[term]
        if is_small:
            to = at + b - a
            yield names[term], lists[0][at:to], lists[1][at:to], lists[2][at:to], values[v0:v1]
        else:
            yield names[term], docs[a:b], weights[a:b], lengths[a:b], values[v0:v1]


def _permute(values: np.ndarray, lengths: np.ndarray, order: np.ndarray) -> bytes:
    """The values (bytes of given lengths, joined) rearranged into ``order``."""
    if not len(values):
        return b""
    starts = np.cumsum(lengths) - lengths
    size = int(lengths[0])
    if (lengths == size).all():  # all the same size: rows
        return values.reshape(-1, size)[order].tobytes()
    lengths = lengths[order]
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return values[np.repeat(starts[order], lengths) + offsets].tobytes()


class TextCollector:
    """The normalised texts of one character field, analysed together at the end."""

    def __init__(self, field):
        self.field = field
        self.texts: list[str] = []
        self.docs = array("I")

    def add(self, docnum: int, text: str) -> int:
        """Keep ``text`` (normalised) and give the field's length for this record."""
        self.texts.append(text)
        self.docs.append(docnum)
        if isinstance(self.field.analyzer, CharTokenizer):
            return len("".join(text.split()))  # one token per non-space character
        # one token per character but the space, each counted at most CHAR_COUNT_CAP times
        counts = Counter(text)
        counts.pop(" ", None)
        return sum(counts.values()) - sum(c - CHAR_COUNT_CAP for c in counts.values()
                                          if c > CHAR_COUNT_CAP)

    def postings(self):
        """The arguments of ``FieldPostings.extend`` for every text collected."""
        texts = self.texts
        cps = np.frombuffer("".join(texts).encode("utf-32-le"), np.uint32).astype(np.int64)
        docs = np.repeat(np.frombuffer(self.docs, np.uint32).astype(np.int64),
                         [len(t) for t in texts])
        if isinstance(self.field.analyzer, CharTokenizer):
            return _pairs(cps, docs, self.field.format)
        return _singles(cps, docs, self.field.format)


def _pairs(cps: np.ndarray, docs: np.ndarray, format_):
    """CharTokenizer in index mode, for many texts at once: at each non-space character the
    pair it starts (the last of a text alone), with positions counted in non-space characters."""
    keep = ~((cps < len(_SPACE)) & _SPACE[np.minimum(cps, len(_SPACE) - 1)])
    cps, docs = cps[keep], docs[keep]
    n = len(cps)
    if not n:
        return [], np.zeros(0, np.int64), docs, np.zeros(0), np.zeros(0, np.int64), b""
    new_doc = np.ones(n, bool)
    new_doc[1:] = docs[1:] != docs[:-1]
    doc_start = np.maximum.accumulate(np.where(new_doc, np.arange(n), 0))
    positions = np.arange(n) - doc_start
    paired = np.zeros(n, bool)
    paired[:-1] = ~new_doc[1:]
    following = np.zeros(n, np.int64)
    following[:-1] = cps[1:]
    codes = np.where(paired, ((cps + 1) << 21) | following, cps)
    order = np.lexsort((docs, codes))  # stable: positions stay ascending within a record
    codes, docs, positions = codes[order], docs[order], positions[order]
    starts = np.flatnonzero(np.r_[True, (codes[1:] != codes[:-1]) | (docs[1:] != docs[:-1])])
    freqs = np.diff(np.r_[starts, n])
    if n and positions.max() > 0xFFFE:
        lengths, values = _wide_positions(positions, starts, freqs, format_)
    else:
        lengths, values = 2 * freqs, positions.astype("<u2").tobytes()
    terms, index = np.unique(codes[starts], return_inverse=True)
    names = [_pair_text(code).encode("utf-8") for code in terms.tolist()]
    weights = freqs * format_.field_boost
    return names, index, docs[starts], weights, lengths, values


def _pair_text(code: int) -> str:
    return chr(code) if code < 1 << 21 else chr((code >> 21) - 1) + chr(code & 0x1FFFFF)


def _wide_positions(positions, starts, freqs, format_):
    """Values one posting at a time, for a segment holding a text past 65,534 characters."""
    pieces = [format_.encode(positions[s:s + f].tolist())
              for s, f in zip(starts.tolist(), freqs.tolist(), strict=True)]
    return np.fromiter(map(len, pieces), np.int64, len(pieces)), b"".join(pieces)


def _singles(cps: np.ndarray, docs: np.ndarray, format_):
    """UnigramTokenizer for many texts at once: each character of a text but the space, with
    how often the text holds it (at most CHAR_COUNT_CAP)."""
    keep = cps != 0x20
    keys = np.sort((cps[keep] << 32) | docs[keep])  # np.unique: 5x slower here (hashing)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys
    freqs = np.minimum(np.diff(np.r_[starts, len(keys)]), CHAR_COUNT_CAP)
    keys = keys[starts]
    codes, docs = keys >> 32, keys & 0xFFFFFFFF
    terms, index = np.unique(codes, return_inverse=True)
    names = [chr(code).encode("utf-8") for code in terms.tolist()]
    values = freqs.astype(">u4").tobytes()  # Whoosh's Frequency value: pack_uint(frequency)
    lengths = np.full(len(keys), 4, np.int64)
    weights = freqs * format_.field_boost
    return names, index, docs, weights, lengths, values


def _collectable(field) -> bool:
    """A field this module analyses itself: exactly the product's two character fields."""
    analyzer, format_ = field.analyzer, field.format
    if type(analyzer) is CharTokenizer:
        return type(format_) is CompactPositions
    return type(analyzer) is UnigramTokenizer and type(format_) is Frequency


class ArrayPool:
    """The postings of one segment as arrays: Whoosh's pool API (add, iter_postings, cleanup)."""

    def __init__(self):
        self.fields: dict[str, FieldPostings | GroupedPostings] = {}
        self.collectors: dict[str, TextCollector] = {}

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, vbytes = item
        self.field(fieldname).add(btext, docnum, weight, vbytes)

    def field(self, fieldname: str) -> FieldPostings:
        postings = self.fields.get(fieldname)
        if postings is None:
            postings = self.fields[fieldname] = FieldPostings()
        return postings

    def iter_postings(self) -> SortedPostings:
        for fieldname, collector in self.collectors.items():
            if not collector.texts:
                continue
            if len(self.fields.get(fieldname, ())):  # also given postings one at a time
                self.field(fieldname).extend(*collector.postings())
            else:
                self.fields[fieldname] = GroupedPostings(*collector.postings())
        self.collectors = {}
        return SortedPostings(self.fields)

    def cleanup(self) -> None:
        self.fields = {}


class SortedPostings:
    """A pool's postings sorted by field, term and record. ``ArrayFieldWriter`` writes them a
    term at a time; iterated, they are Whoosh's (field, term, record, weight, value) tuples."""

    def __init__(self, fields: dict[str, FieldPostings | GroupedPostings]):
        self.fields = fields

    def by_field(self):
        for fieldname in sorted(self.fields):
            if len(self.fields[fieldname]):
                yield fieldname, self.fields[fieldname].sorted_terms()

    def __iter__(self):
        for fieldname, terms in self.by_field():
            for btext, ids, weights, lengths, values in terms:
                at = 0
                for docnum, weight, size in zip(*map(_listed, (ids, weights, lengths)),
                                                strict=True):
                    yield fieldname, btext, docnum, weight, values[at:at + size]
                    at += size


def _listed(values) -> list:
    return values if isinstance(values, list) else values.tolist()


class BulkWriter(SegmentWriter):
    """Whoosh's SegmentWriter writing this project's codec, its postings collected as arrays."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", ArrayCodec())
        super().__init__(ix, **kwargs)
        self.pool.cleanup()  # Whoosh's pool: never used
        self.pool = ArrayPool()
        self._analysed: dict[tuple[str, object], list] = {}
        self._check_plain()

    def _check_plain(self) -> None:
        self._plain = not any(f.vector or f.separate_spelling() for _, f in self.schema.items())

    def add_field(self, fieldname, fieldspec, **kwargs):
        super().add_field(fieldname, fieldspec, **kwargs)
        self._check_plain()

    def remove_field(self, fieldname, **kwargs):
        super().remove_field(fieldname, **kwargs)
        self._check_plain()

    def add_document(self, **fields):
        # Whoosh's add_document, without what this schema never uses (boosts, vectors,
        # spelling, custom stored values): those documents go through Whoosh's own.
        if not self._plain or any(name.startswith("_") for name in fields):
            return super().add_document(**fields)
        self._check_state()
        schema, pool, docnum = self.schema, self.pool, self.docnum
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    length = self._index(pool, fieldname, field, docnum, value)
                perdoc.add_field(fieldname, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(fieldname, field.column_type,
                                            field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _index(self, pool: ArrayPool, fieldname: str, field, docnum: int, value) -> int:
        """Add one value's postings; its length (0 for a field without lengths)."""
        if _collectable(field) and isinstance(value, str):
            collector = pool.collectors.get(fieldname)
            if collector is None:
                collector = pool.collectors[fieldname] = TextCollector(field)
            length = collector.add(docnum, normalize(value))
            return length if field.scorable else 0
        if _word_field(field) and isinstance(value, str):
            items = _word_postings(field, value)
        elif isinstance(value, str) and len(value) <= _CACHE_CHARS:
            key = (fieldname, value)
            items = self._analysed.get(key)
            if items is None:
                items = list(field.index(value))
                if len(self._analysed) >= _CACHE_LIMIT:
                    self._analysed.clear()
                self._analysed[key] = items
        else:
            items = list(field.index(value))
        pool.field(fieldname).add_many(docnum, items)
        return sum(item[1] for item in items) if field.scorable else 0


def _word_field(field) -> bool:
    """The product's word fields: jieba words minus stop words, counted or with positions."""
    items = getattr(field.analyzer, "items", ())
    return (len(items) == 2 and type(items[0]) is WordTokenizer
            and type(items[1]) is StopFilter and not items[1].renumber
            and type(field.format) in (Frequency, CompactPositions))


def _word_postings(field, value: str) -> list[tuple]:
    """What ``field.index(value)`` gives for a word field, without a Token per word."""
    tokenizer, stop = field.analyzer.items
    stops, shortest, longest = stop.stops, stop.min, stop.max
    positions: dict[str, list[int]] = {}
    for word, pos, _ in tokenizer.spans(value, index=True):
        if (len(word) >= shortest and (longest is None or len(word) <= longest)
                and word not in stops):
            found = positions.get(word)
            if found is None:
                positions[word] = [pos]
            else:
                found.append(pos)
    boost = field.format.field_boost
    if type(field.format) is Frequency:
        return [(word.encode("utf-8"), len(p), len(p) * boost, pack_uint(len(p)))
                for word, p in positions.items()]
    encode = field.format.encode
    return [(word.encode("utf-8"), len(p), len(p) * boost, encode(p))
            for word, p in positions.items()]


def open_writer(ix, **kwargs) -> BulkWriter:
    """The writer for ``ix`` (every writer of the index must be one: a merge rewrites
    segments with the writer's codec)."""
    return BulkWriter(ix, **kwargs)
