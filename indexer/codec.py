"""The index's codec: Whoosh's W3 format with each posting list stored as typed arrays.

W3 writes a posting list in blocks of 128 postings, each a zlib-compressed pickle of Python
tuples, and reads it back a posting at a time. Here a term's postings are one record of
little-endian arrays that numpy reads whole (``read_postings``):

    header   count, first id, and one code each for the ids, weights and values below
    ids      the gaps between consecutive ids, in the smallest unsigned type that holds them
    weights  nothing (all 1.0), one float (all equal), or an array (uint8/uint16/float32)
    values   nothing (all empty), one value (all equal), 4-byte values as numbers (Whoosh's
             frequencies), the values' lengths then their bytes, or (when each length is the
             weight times one whole number, as positions are) that number then the bytes

The term table (.trm), the per-document files (.col: stored fields, field lengths, columns) and
term vectors stay W3's, so everything Whoosh reads besides postings is unchanged, and Whoosh's
own matchers run on these postings through ``ArrayMatcher``. ``CompactPositions`` stores a
posting's positions as uint16 (uint32 past 65,534) instead of a pickled list.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from bisect import bisect_left

import numpy as np
from whoosh import columns
from whoosh.codec import whoosh3
from whoosh.codec.base import OutOfOrderError
from whoosh.filedb import structfile
from whoosh.formats import Positions
from whoosh.matching import ListMatcher, NullMatcher, ReadTooFar
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

MAGIC = b"RSA1"
_HEADER = struct.Struct("<4sIIBBB")  # magic, count, first id, id / weight / value codes
_UNSIGNED = (np.uint8, np.uint16, np.uint32)  # code n: _UNSIGNED[n - 1]; 0 = none

W_ONES, W_CONSTANT, W_UINT8, W_UINT16, W_FLOAT = range(5)
V_NONE, V_CONSTANT, V_NUMBERS, V_BYTES, V_SCALED = range(5)


def _unsigned_code(largest: int) -> int:
    return 1 if largest < 1 << 8 else 2 if largest < 1 << 16 else 3


def encode_postings(ids: np.ndarray, weights: np.ndarray, lengths: np.ndarray,
                    blob: bytes) -> bytes:
    """One posting list as one record: ascending int64 ids, float64 weights, and the values
    as their byte lengths and their bytes joined."""
    gaps = np.diff(ids)
    id_code = _unsigned_code(int(gaps.max())) if len(gaps) else 1
    parts = [b"", gaps.astype(_UNSIGNED[id_code - 1]).tobytes()]

    top = weights.max()
    if top == 1.0 and weights.min() == 1.0:
        weight_code = W_ONES
    elif top == weights.min():
        weight_code = W_CONSTANT
        parts.append(struct.pack("<d", top))
    elif top < 65536 and weights.min() >= 0 and (weights == np.round(weights)).all():
        weight_code = W_UINT8 if top < 256 else W_UINT16
        parts.append(weights.astype(np.uint8 if weight_code == W_UINT8 else np.uint16).tobytes())
    else:
        weight_code = W_FLOAT
        parts.append(weights.astype(np.float32).tobytes())

    value_code, value_bytes = _encode_values(lengths, blob, weights)
    parts.append(value_bytes)
    parts[0] = _HEADER.pack(MAGIC, len(ids), int(ids[0]), id_code, weight_code, value_code)
    return b"".join(parts)


def _encode_values(lengths: np.ndarray, blob: bytes, weights: np.ndarray) -> tuple[int, bytes]:
    size = int(lengths[0])
    if (lengths == size).all():
        if size == 0:
            return V_NONE, b""
        rows = np.frombuffer(blob, np.uint8).reshape(len(lengths), size)
        if (rows == rows[0]).all():
            return V_CONSTANT, struct.pack("<I", size) + bytes(blob[:size])
        if size == 4:  # Whoosh's Frequency format: one big-endian uint32
            numbers = np.frombuffer(blob, ">u4")
            code = _unsigned_code(int(numbers.max()))
            return V_NUMBERS, bytes([code]) + numbers.astype(_UNSIGNED[code - 1]).tobytes()
    scale = lengths[0] / weights[0] if weights[0] > 0 else 0
    if scale == int(scale) and 0 < scale < 256 and (weights * scale == lengths).all():
        return V_SCALED, bytes([int(scale)]) + bytes(blob)
    code = _unsigned_code(int(lengths.max()))
    return V_BYTES, bytes([code]) + lengths.astype(_UNSIGNED[code - 1]).tobytes() + bytes(blob)


class Postings:
    """A decoded posting list: ids (int64), weights (float64), and values on demand."""

    __slots__ = ("ids", "weights", "_raw", "_value_code", "_count")

    def __init__(self, data: bytes | memoryview):
        _, count, first, id_code, weight_code, value_code = _HEADER.unpack_from(data)
        at = _HEADER.size
        dtype = _UNSIGNED[id_code - 1]
        gaps = np.frombuffer(data, dtype, count - 1, at)
        at += gaps.nbytes
        ids = np.empty(count, np.int64)
        ids[0] = first
        np.cumsum(gaps, out=ids[1:])
        ids[1:] += first
        self.ids = ids
        if weight_code == W_ONES:
            self.weights = np.ones(count)
        elif weight_code == W_CONSTANT:
            self.weights = np.full(count, struct.unpack_from("<d", data, at)[0])
            at += 8
        else:
            dtype = {W_UINT8: np.uint8, W_UINT16: np.uint16, W_FLOAT: np.float32}[weight_code]
            raw = np.frombuffer(data, dtype, count, at)
            at += raw.nbytes
            self.weights = raw.astype(np.float64)
        self._raw, self._value_code, self._count = (data, at), value_code, count

    def values(self) -> list:
        """Each posting's value as bytes (None for a format without values, as W3 gives)."""
        (data, at), count = self._raw, self._count
        code = self._value_code
        if code == V_NONE:
            return [None] * count
        if code == V_CONSTANT:
            size = struct.unpack_from("<I", data, at)[0]
            return [bytes(data[at + 4:at + 4 + size])] * count
        if code == V_NUMBERS:
            numbers = np.frombuffer(data, _UNSIGNED[data[at] - 1], count, at + 1)
            return [struct.pack(">I", n) for n in numbers.tolist()]
        starts, ends = self._extents()
        raw = bytes(data)
        return [raw[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]

    def _extents(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each posting's value starts and ends in the record (V_BYTES, V_SCALED)."""
        (data, at), count = self._raw, self._count
        if self._value_code == V_SCALED:
            lengths = (self.weights * data[at]).astype(np.int64)
            first = at + 1
        else:
            lengths = np.frombuffer(data, _UNSIGNED[data[at] - 1], count, at + 1)
            first = at + 1 + lengths.nbytes
        ends = np.cumsum(lengths, dtype=np.int64) + first
        return ends - lengths, ends

    def positions(self, selected: np.ndarray, format_) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the postings at indexes ``selected``, as two flat arrays: which
        of ``selected`` each belongs to, and the position."""
        if isinstance(format_, CompactPositions) and self._value_code in (V_BYTES, V_SCALED):
            data = np.frombuffer(self._raw[0], np.uint8)
            starts, ends = (e[selected] for e in self._extents())
            probe = np.minimum(starts, len(data) - 2)  # an empty value may end the record
            wide = (ends - starts >= 2) & (data[probe] == 0xFF) & (data[probe + 1] == 0xFF)
            if not wide.any():  # all uint16: gather the two bytes of every position at once
                counts = (ends - starts) // 2
                owner = np.repeat(np.arange(len(selected)), counts)
                offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
                at = np.repeat(starts, counts) + 2 * offsets
                return owner, data[at].astype(np.int64) | (data[at + 1].astype(np.int64) << 8)
        return positions_of(self.values(), selected, format_)


def positions_of(values: list, selected: np.ndarray, format_) -> tuple[np.ndarray, np.ndarray]:
    """``Postings.positions`` for values held as a list of bytes."""
    decoded = [format_.decode_positions(values[i]) for i in selected.tolist()]
    owner = np.repeat(np.arange(len(decoded)), [len(p) for p in decoded])
    flat = np.fromiter((p for one in decoded for p in one), np.int64, len(owner))
    return owner, flat


def read_postings(postfile, terminfo) -> Postings:
    """The postings of a term whose terminfo this codec wrote."""
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct.unpack's tuple
        length = length[0]
    return Postings(postfile.get(offset, length))


class ArrayPostingsWriter:
    """Collects one term's postings and writes them as one record (W3PostingsWriter's API)."""

    def __init__(self, postfile):
        self._postfile = postfile
        self._terminfo = None

    def start_postings(self, format_, terminfo):
        if self._terminfo is not None:
            raise RuntimeError("start_postings called inside a term")
        self._terminfo = terminfo
        self._ids, self._weights, self._values, self._lengths = [], [], [], []

    def add_posting(self, id_, weight, vbytes, length=None):
        self._ids.append(id_)
        self._weights.append(weight)
        self._values.append(vbytes)
        self._lengths.append(length or 0)

    def written(self):
        return False

    def finish_postings(self):
        terminfo, self._terminfo = self._terminfo, None
        values = self._values
        write_term(self._postfile, terminfo, np.array(self._ids, np.int64),
                   np.array(self._weights, np.float64),
                   np.fromiter(map(len, values), np.int64, len(values)), b"".join(values),
                   np.array(self._lengths, np.int64))
        return terminfo


def write_term(postfile, terminfo, ids, weights, value_lengths, values, field_lengths) -> None:
    """Write one term's postings and fill in its W3 terminfo (statistics and extent).

    Arrays: ids (int64, ascending), weights (float64), each value's byte length and each
    record's field length (int64); ``values`` is the values' bytes, joined."""
    if len(ids) <= SMALL:  # most terms: numpy's per-call cost would outweigh the work
        ids, weights, field_lengths = ids.tolist(), weights.tolist(), field_lengths.tolist()
        record = _encode_small(ids, weights, value_lengths.tolist(), bytes(values))
        positive = [n for n in field_lengths if n > 0]
        terminfo._weight, terminfo._maxweight = float(sum(weights)), float(max(weights))
        terminfo._minlength = min(positive) if positive else None
        terminfo._maxlength = max(field_lengths)
    else:
        record = encode_postings(ids, weights, value_lengths, values)
        positive = field_lengths[field_lengths > 0]  # W3 leaves lengths of 0 out of the minimum
        terminfo._weight, terminfo._maxweight = float(weights.sum()), float(weights.max())
        terminfo._minlength = int(positive.min()) if len(positive) else None
        terminfo._maxlength = int(field_lengths.max())
    terminfo._df = len(ids)
    terminfo._minid, terminfo._maxid = int(ids[0]), int(ids[-1])
    terminfo.set_extent(postfile.tell(), len(record))
    postfile.write(record)


SMALL = 24  # posting lists up to this long are encoded in plain Python
_ARRAY_TYPES = (None, "B", "H", "I")  # array typecodes of _UNSIGNED
assert array("I").itemsize == 4


def _encode_small(ids: list, weights: list, lengths: list, blob: bytes) -> bytes:
    """``encode_postings`` for a short list, without numpy: the same record."""
    gaps = [b - a for a, b in zip(ids, ids[1:], strict=False)]
    id_code = _unsigned_code(max(gaps)) if gaps else 1
    parts = [_HEADER.pack(MAGIC, 0, 0, 0, 0, 0), array(_ARRAY_TYPES[id_code], gaps).tobytes()]

    top, bottom = max(weights), min(weights)
    if top == 1.0 and bottom == 1.0:
        weight_code = W_ONES
    elif top == bottom:
        weight_code = W_CONSTANT
        parts.append(struct.pack("<d", top))
    elif top < 65536 and bottom >= 0 and all(w == round(w) for w in weights):
        weight_code = W_UINT8 if top < 256 else W_UINT16
        parts.append(array("B" if weight_code == W_UINT8 else "H", map(int, weights)).tobytes())
    else:
        weight_code = W_FLOAT
        parts.append(array("f", weights).tobytes())

    size, count = lengths[0], len(ids)
    if all(n == size for n in lengths):
        if size == 0:
            value_code = V_NONE
        elif blob == blob[:size] * count:
            value_code = V_CONSTANT
            parts.append(struct.pack("<I", size) + blob[:size])
        elif size == 4:
            value_code = V_NUMBERS
            numbers = struct.unpack(f">{count}I", blob)
            code = _unsigned_code(max(numbers))
            parts.append(bytes([code]) + array(_ARRAY_TYPES[code], numbers).tobytes())
        else:
            value_code = None
    else:
        value_code = None
    if value_code is None:
        scale = size / weights[0] if weights[0] > 0 else 0
        if (scale == int(scale) and 0 < scale < 256
                and all(w * scale == n for w, n in zip(weights, lengths, strict=True))):
            value_code = V_SCALED
            parts.append(bytes([int(scale)]) + blob)
        else:
            value_code = V_BYTES
            code = _unsigned_code(max(lengths))
            parts.append(bytes([code]) + array(_ARRAY_TYPES[code], lengths).tobytes() + blob)
    parts[0] = _HEADER.pack(MAGIC, count, ids[0], id_code, weight_code, value_code)
    return b"".join(parts)


class ArrayFieldWriter(whoosh3.W3FieldWriter):
    """W3's field writer, taking a sorted stream of postings a term at a time.

    Whoosh's generic ``add_postings`` looked up each posting's field length through the
    per-document reader: a quarter of an index worker's time. Here each field's lengths are
    read once, as an array.
    """

    def add_postings(self, schema, lengths, items):
        if hasattr(items, "by_field"):  # bulk.SortedPostings: already arrays, term by term
            for fieldname, terms in items.by_field():
                self.start_field(fieldname, schema[fieldname])
                field_lengths = _lengths_of(lengths, fieldname)
                for btext, ids, weights, value_lengths, values in terms:
                    if isinstance(field_lengths, np.ndarray):
                        found = field_lengths[ids] if len(field_lengths) else 0 * ids
                    else:
                        found = np.array([field_lengths(i) for i in ids.tolist()], np.int64)
                    self.write_term(btext, ids, weights, value_lengths, values, found)
                self.finish_field()
            return
        last_field = last_text = None
        ids = weights = values = None
        field_lengths = None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != last_field or btext != last_text:
                if ids:
                    self._write(last_text, ids, weights, values, field_lengths)
                if fieldname != last_field:
                    if last_field is not None:
                        if fieldname < last_field:
                            raise OutOfOrderError(f"Field {last_field!r} .. {fieldname!r}")
                        self.finish_field()
                    self.start_field(fieldname, schema[fieldname])
                    field_lengths = _lengths_of(lengths, fieldname)
                elif btext < last_text:
                    raise OutOfOrderError(f"Term {fieldname}:{last_text!r} .. {btext!r}")
                last_field, last_text = fieldname, btext
                ids, weights, values = [], [], []
            if docnum == -1:  # Whoosh's marker for spelling words: not postings
                continue
            ids.append(docnum)
            weights.append(weight)
            values.append(value or b"")
        if ids:
            self._write(last_text, ids, weights, values, field_lengths)
        if last_field is not None:
            self.finish_field()

    def _write(self, btext, ids, weights, values, field_lengths) -> None:
        ids = np.array(ids, np.int64)
        if isinstance(field_lengths, np.ndarray):
            lengths = field_lengths[ids] if len(field_lengths) else np.zeros(len(ids), np.int64)
        else:
            lengths = np.array([field_lengths(docnum) for docnum in ids.tolist()], np.int64)
        self.write_term(btext, ids, np.array(weights, np.float64),
                        np.fromiter(map(len, values), np.int64, len(values)), b"".join(values),
                        lengths)

    def write_term(self, btext: bytes, ids, weights, value_lengths, values, lengths) -> None:
        """One term of the current field, from arrays (see ``write_term``)."""
        terminfo = whoosh3.W3TermInfo()
        write_term(self._postfile, terminfo, ids, weights, value_lengths, values, lengths)
        self._tindex.add(pack_ushort(self._fieldid) + btext, terminfo.to_bytes())


_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


def field_lengths(perdoc, fieldname: str, doccount: int) -> np.ndarray | None:
    """Per record: the field length Whoosh's scorers see (W3 stores it as one byte); None
    when ``perdoc`` is not a W3 per-document reader."""
    if not isinstance(perdoc, whoosh3.W3PerDocReader):
        return None
    coded = np.zeros(doccount, np.uint8)
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if column is not None:
        raw = column._dbfile.get(column._basepos, column._count)
        coded[:len(raw)] = np.frombuffer(raw, np.uint8)[:doccount]
    return _BYTE_TO_LENGTH[coded]


def _lengths_of(lengths, fieldname):
    """An array of ``fieldname``'s lengths by record, or a function giving one."""
    if lengths is None:
        return np.zeros(0, np.int64)
    if isinstance(lengths, whoosh3.W3PerDocReader):
        return field_lengths(lengths, fieldname, lengths.doc_count_all())
    return lambda docnum: lengths.doc_field_length(docnum, fieldname)


class ArrayMatcher(ListMatcher):
    """Whoosh's ListMatcher over a decoded posting list, with a binary-search skip_to."""

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def replace(self, minquality=0):
        # ListMatcher's asks the scorer for block quality even when it has none
        if not self.is_active():
            return NullMatcher()
        if minquality and self.supports_block_quality() and self.max_quality() < minquality:
            return NullMatcher()
        return self

    def copy(self):
        return self.__class__(self._ids, self._weights, self._values, self._format,
                              self._scorer, self._i, self._all_weights, self._term,
                              self._terminfo)


STORED_COLUMN = columns.VarBytesColumn()
DICTIONARY_EXT = ".zdc"
DICTIONARY_RECORDS = 256  # stored records sampled for a segment's compression dictionary
DICTIONARY_BYTES = 32 * 1024  # zlib's largest window


class CompactPerDocWriter(whoosh3.W3PerDocWriter):
    """W3's per-document writer with smaller stored fields.

    W3 pickles each record's stored fields as a dict and zlib-compresses it alone: the field
    names are repeated in every record and a paragraph is too short for zlib to find much.
    Here a record is pickled as (names, values) and compressed against a dictionary made from
    the segment's first records (zlib's preset dictionary), kept in the segment beside it.
    """

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        # W3's pickled-dict column, replaced below (its stream too: an empty one left in the
        # segment would read as a broken column)
        self._colwriters.pop("_stored")
        self._cols._streams.pop("_stored")
        self._pending: list[tuple[int, bytes]] = []
        self._dictionary: bytes | None = None

    def finish_doc(self):
        stored = self._storedfields
        if stored:
            raw = pickle.dumps((tuple(stored), tuple(stored.values())), 4)
            if self._dictionary is None:
                self._pending.append((self._docnum, raw))
                if len(self._pending) >= DICTIONARY_RECORDS:
                    self._write_pending()
            else:
                self._add_stored(self._docnum, raw)
            stored.clear()
        self._indoc = False

    def _write_pending(self) -> None:
        self._dictionary = b"".join(raw for _, raw in self._pending)[-DICTIONARY_BYTES:]
        for docnum, raw in self._pending:
            self._add_stored(docnum, raw)
        self._pending = []

    def _add_stored(self, docnum: int, raw: bytes) -> None:
        if "_stored" not in self._colwriters:
            self._create_column("_stored", STORED_COLUMN)
        packer = zlib.compressobj(6, zdict=self._dictionary)
        self._colwriters["_stored"].add(docnum, packer.compress(raw) + packer.flush())

    def close(self):
        if self._indoc is not None and self._indoc:
            self.finish_doc()
        if self._pending or self._dictionary is None:
            self._write_pending()
        with self._create_file(DICTIONARY_EXT) as f:
            f.write(self._dictionary)
        super().close()


class CompactPerDocReader(whoosh3.W3PerDocReader):
    """Reads what ``CompactPerDocWriter`` writes."""

    _dictionary = None

    def stored_fields(self, docnum):
        column = self._cached_reader("_stored", STORED_COLUMN)
        packed = column[docnum] if column is not None else b""
        if not packed:
            return {}
        if self._dictionary is None:
            with self._segment.open_file(self._storage, DICTIONARY_EXT) as f:
                self._dictionary = f.read()
        names, values = pickle.loads(zlib.decompressobj(zdict=self._dictionary)
                                     .decompress(packed))
        return dict(zip(names, values, strict=True))


class ArrayCodec(whoosh3.W3Codec):
    """W3Codec with posting lists as arrays (term vectors stay in W3's blocks) and compact
    stored fields."""

    def per_document_writer(self, storage, segment):
        return CompactPerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return CompactPerDocReader(storage, segment)

    def field_writer(self, storage, segment):
        return ArrayFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:
            return super().postings_writer(dbfile, byteids=True)
        return ArrayPostingsWriter(dbfile)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        postings = read_postings(dbfile, terminfo)
        return ArrayMatcher(postings.ids.tolist(), postings.weights.tolist(), postings.values(),
                            format_, scorer=scorer, term=term, terminfo=terminfo)


class CompactPositions(Positions):
    """Whoosh's Positions format with the positions as a uint16 array (uint32 behind a
    0xFFFF marker when one is past 65,534) instead of a pickle: a third of the bytes, and
    decoded without unpickling.

    >>> f = CompactPositions()
    >>> f.decode_positions(f.encode([3, 70_000])), f.decode_frequency(f.encode([1, 2]))
    ([3, 70000], 2)
    """

    def encode(self, poslist):
        if poslist and max(poslist) > 0xFFFE:
            return b"\xff\xff" + array("I", poslist).tobytes()
        return array("H", poslist).tobytes()

    def decode_positions(self, valuestring):
        if valuestring[:2] == b"\xff\xff":
            return array("I", valuestring[2:]).tolist()
        return array("H", valuestring).tolist()

    def decode_frequency(self, valuestring):
        if valuestring[:2] == b"\xff\xff":
            return (len(valuestring) - 2) // 4
        return len(valuestring) // 2


class ViewFile:
    """A read-only file over a memoryview (of the mmap of a segment), without copying it.

    Whoosh's ``BufferFile`` wraps each file it opens inside a memory-mapped segment in
    ``BytesIO(buf)``, which copies it: every search process held a private copy of every
    posting list (most of a web worker's memory) and spent ~0.2 s copying at each new index
    generation. With this, reads come straight from the shared page cache.
    """

    def __init__(self, buf):
        self._buf, self._pos = buf, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(self._pos + size, len(self._buf))
        data = bytes(self._buf[self._pos:end])
        self._pos = max(self._pos, end)
        return data

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        line = bytearray()
        while size < 0 or len(line) < size:
            ch = self.read(1)
            line += ch
            if not ch or ch == b"\n":
                break
        return bytes(line)

    def __iter__(self):
        while line := self.readline():
            yield line

    def seek(self, position: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._buf))[whence]
        self._pos = base + position
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf, self._name, self.onclose = buf, name, onclose
    self.file = ViewFile(buf)
    self.is_real = False
    self.is_closed = False


structfile.BufferFile.__init__ = _buffer_file_init
