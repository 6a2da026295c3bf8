"""The index's codec: Whoosh's W3 format with each posting list stored as typed arrays.

W3 writes a posting list in blocks of 128 postings, each a zlib-compressed pickle of Python
tuples, and reads it back a posting at a time. Here a term's postings are one record of arrays
(indexer/postings.py) that numpy reads whole (``read_postings``), and stored fields are
compressed with zstd against a per-segment dictionary. The term table (.trm), the other per-document
columns (.col: field lengths, sortable fields) and term vectors stay W3's, and Whoosh's own
matchers run on these postings through ``ArrayMatcher``.
"""

from __future__ import annotations

import pickle
import struct
import threading
from array import array
from bisect import bisect_left

import numpy as np
import zstandard as zstd
from whoosh import columns
from whoosh.codec import whoosh3
from whoosh.codec.base import OutOfOrderError
from whoosh.filedb import structfile
from whoosh.matching import ListMatcher, NullMatcher, ReadTooFar
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

from .postings import (
    SMALL,
    CompactPositions,
    Postings,
    encode_postings,
    encode_small,
    pack,
    packed_size,
    unpack,
)
from .terms import EXT as TERMS_EXT
from .terms import TermTableReader, TermTableWriter


def read_postings(postfile, terminfo) -> Postings:
    """The postings of a term whose terminfo this codec wrote."""
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct.unpack's tuple
        length = length[0]
    return Postings(postfile.get(offset, length), terminfo.doc_frequency(), terminfo.min_id())


class ArrayPostingsWriter:
    """Collects one term's postings and writes them as one record (W3PostingsWriter's API)."""

    def __init__(self, postfile):
        self._postfile = postfile
        self._terminfo = None

    def start_postings(self, format_, terminfo):
        if self._terminfo is not None:
            raise RuntimeError("start_postings called inside a term")
        self._terminfo = terminfo
        self._positions = isinstance(format_, CompactPositions)
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
                   np.array(self._lengths, np.int64), self._positions)
        return terminfo


def write_term(postfile, terminfo, ids, weights, value_lengths, values, field_lengths,
               positions: bool = False) -> None:
    """Write one term's postings and fill in its W3 terminfo (statistics and extent).

    Arrays: ids (int64, ascending), weights (float64), each value's byte length and each
    record's field length (int64); ``values`` is the values' bytes, joined; ``positions``:
    they are ``CompactPositions``'."""
    if len(ids) <= SMALL:  # most terms: numpy's per-call cost would outweigh the work
        if not isinstance(ids, list):  # bulk._by_term gives small terms as lists already
            ids, weights, value_lengths = ids.tolist(), weights.tolist(), value_lengths.tolist()
            field_lengths = field_lengths.tolist()
        record = encode_small(ids, weights, value_lengths, bytes(values), positions)
        positive = [n for n in field_lengths if n > 0]
        terminfo._weight, terminfo._maxweight = float(sum(weights)), float(max(weights))
        terminfo._minlength = min(positive) if positive else None
        terminfo._maxlength = max(field_lengths)
    else:
        record = encode_postings(ids, weights, value_lengths, values, positions)
        positive = field_lengths[field_lengths > 0]  # W3 leaves lengths of 0 out of the minimum
        terminfo._weight, terminfo._maxweight = float(weights.sum()), float(weights.max())
        terminfo._minlength = int(positive.min()) if len(positive) else None
        terminfo._maxlength = int(field_lengths.max())
    terminfo._df = len(ids)
    terminfo._minid, terminfo._maxid = int(ids[0]), int(ids[-1])
    terminfo.set_extent(postfile.tell(), len(record))
    postfile.write(record)


class ArrayFieldWriter(whoosh3.W3FieldWriter):
    """W3's field writer, taking a sorted stream of postings a term at a time.

    Whoosh's generic ``add_postings`` looked up each posting's field length through the
    per-document reader: a quarter of an index worker's time. Here each field's lengths are
    read once, as an array.
    """

    def __init__(self, codec, storage, segment):
        # W3FieldWriter's, with this codec's term table in place of W3's hash table
        self._codec, self._storage, self._segment = codec, storage, segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._terms = TermTableWriter(self._create_file(TERMS_EXT))
        self._fieldmap: dict[str, int] = {}
        self._postfile = self._create_file(whoosh3.W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False

    def finish_term(self):
        terminfo = self._postwriter.finish_postings()
        self._terms.add(pack_ushort(self._fieldid) + self._btext, terminfo)

    def close(self):
        self._terms.close(self._fieldmap)
        self._postfile.close()
        self.is_closed = True

    def add_postings(self, schema, lengths, items):
        if hasattr(items, "by_field"):  # bulk.SortedPostings: already arrays, term by term
            for fieldname, terms in items.by_field():
                self.start_field(fieldname, schema[fieldname])
                field_lengths = _lengths_of(lengths, fieldname)
                listed = (field_lengths.tolist() if isinstance(field_lengths, np.ndarray)
                          else None)
                for btext, ids, weights, value_lengths, values in terms:
                    if not isinstance(ids, list):
                        at = _lengths_at(field_lengths, ids)
                    elif listed is None:  # a small term (bulk._by_term), lengths by function
                        at = [field_lengths(i) for i in ids]
                    else:  # a small term; no lengths at all is an empty list
                        at = [listed[i] for i in ids] if listed else [0] * len(ids)
                    self.write_term(btext, ids, weights, value_lengths, values, at)
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
        lengths = _lengths_at(field_lengths, ids)
        self.write_term(btext, ids, np.array(weights, np.float64),
                        np.fromiter(map(len, values), np.int64, len(values)), b"".join(values),
                        lengths)

    def write_term(self, btext: bytes, ids, weights, value_lengths, values, lengths) -> None:
        """One term of the current field, from arrays (see ``write_term``)."""
        terminfo = whoosh3.W3TermInfo()
        write_term(self._postfile, terminfo, ids, weights, value_lengths, values, lengths,
                   isinstance(self._format, CompactPositions))
        self._terms.add(pack_ushort(self._fieldid) + btext, terminfo)


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


def _lengths_at(field_lengths, ids: np.ndarray) -> np.ndarray:
    """The lengths of records ``ids`` from what ``_lengths_of`` gave."""
    if isinstance(field_lengths, np.ndarray):
        return field_lengths[ids] if len(field_lengths) else np.zeros(len(ids), np.int64)
    return np.array([field_lengths(docnum) for docnum in ids.tolist()], np.int64)


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
BLOCK = 8  # records compressed together: a fifth smaller than one by one, ~8 us to read one
_SIZES = struct.Struct(f"<{BLOCK}I")  # a block starts with its records' sizes
DICTIONARY_BLOCKS = 500  # blocks sampled for a segment's compression dictionary
DICTIONARY_BYTES = 112 * 1024
TRAINED_MIN_BYTES = 1 << 20  # fewer sample bytes: the samples themselves are the dictionary
LEVEL = 12  # zstd's: 8% smaller than its default 3 on this text, at ~20 us a paragraph


def _dictionary(samples: list[bytes]) -> bytes:
    """A zstd dictionary for blocks like ``samples``: trained on them, or (too few to train
    on) their last bytes as they are."""
    if sum(map(len, samples)) >= TRAINED_MIN_BYTES:
        try:
            return zstd.train_dictionary(DICTIONARY_BYTES, samples).as_bytes()
        except zstd.ZstdError:  # samples too alike or too few to train on
            pass
    return b"".join(samples)[-DICTIONARY_BYTES:]


class CompactPerDocWriter(whoosh3.W3PerDocWriter):
    """W3's per-document writer with smaller stored fields.

    W3 pickles each record's stored fields as a dict and zlib-compresses it alone: the field
    names are repeated in every record and a paragraph is too short for zlib to find much.
    Here a record is pickled as (names, values), and each ``BLOCK`` consecutive records are
    compressed together with zstd, against a dictionary trained on the segment's first blocks
    and kept in the segment beside it: less than a third of W3's bytes. A block is stored as
    the column value of its first record.
    """

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        # W3's pickled-dict column, replaced below (its stream too: an empty one left in the
        # segment would read as a broken column)
        self._colwriters.pop("_stored")
        self._cols._streams.pop("_stored")
        self._records: dict[int, bytes] = {}  # the current block's, by place in it
        self._block = -1
        self._pending: list[tuple[int, bytes]] = []  # blocks waiting for the dictionary
        self._dictionary: bytes | None = None
        self._packer = None

    def finish_doc(self):
        stored = self._storedfields
        if stored:
            block = self._docnum // BLOCK
            if block != self._block:
                self._finish_block()
                self._block = block
            self._records[self._docnum % BLOCK] = pickle.dumps(
                (tuple(stored), tuple(stored.values())), 4)
            stored.clear()
        self._indoc = False

    def _finish_block(self) -> None:
        if not self._records:
            return
        raws = [self._records.get(place, b"") for place in range(BLOCK)]
        block = _SIZES.pack(*map(len, raws)) + b"".join(raws)
        self._records = {}
        if self._packer is None:
            self._pending.append((self._block * BLOCK, block))
            if len(self._pending) >= DICTIONARY_BLOCKS:
                self._write_pending()
        else:
            self._add_block(self._block * BLOCK, block)

    def _write_pending(self) -> None:
        self._dictionary = _dictionary([block for _, block in self._pending])
        self._packer = zstd.ZstdCompressor(
            LEVEL, zstd.ZstdCompressionDict(self._dictionary), write_checksum=False,
            write_dict_id=False)
        for docnum, block in self._pending:
            self._add_block(docnum, block)
        self._pending = []

    def _add_block(self, docnum: int, block: bytes) -> None:
        if "_stored" not in self._colwriters:
            self._create_column("_stored", STORED_COLUMN)
        self._colwriters["_stored"].add(docnum, self._packer.compress(block))

    def close(self):
        if self._indoc is not None and self._indoc:
            self.finish_doc()
        self._finish_block()
        if self._packer is None:
            self._write_pending()
        with self._create_file(DICTIONARY_EXT) as f:
            f.write(self._dictionary)
        super().close()


_OPENING = threading.Lock()


class CompactPerDocReader(whoosh3.W3PerDocReader):
    """Reads what ``CompactPerDocWriter`` writes."""

    _dictionary = None

    def stored_fields(self, docnum):
        first = docnum - docnum % BLOCK
        local = self._local_state()
        if local.first != first:
            column = self._cached_reader("_stored", STORED_COLUMN)
            packed = column[first] if column is not None else b""
            local.block = local.unpacker.decompress(packed) if packed else b""
            local.first = first
        block = local.block
        if not block:
            return {}
        sizes = _SIZES.unpack_from(block)
        place = docnum - first
        at = _SIZES.size + sum(sizes[:place])
        if not sizes[place]:
            return {}
        names, values = pickle.loads(block[at:at + sizes[place]])
        return dict(zip(names, values, strict=True))

    def _local_state(self):
        """This thread's decompressor (zstd's are not thread-safe) and last block read."""
        if self._dictionary is None:
            with _OPENING:  # once per segment, not once per record read
                if self._dictionary is None:
                    with self._segment.open_file(self._storage, DICTIONARY_EXT) as f:
                        dictionary = zstd.ZstdCompressionDict(f.read())
                    self._local = threading.local()
                    self._dictionary = dictionary
        local = self._local
        if not hasattr(local, "unpacker"):
            local.unpacker = zstd.ZstdDecompressor(self._dictionary)
            local.first, local.block = -1, b""
        return local


class CodeColumn(columns.Column):
    """A column of byte strings kept once each, every record holding the bit-packed index of
    its value: Whoosh's RefBytesColumn without its limit of 65,535 distinct values a segment
    (a merged segment may hold more reports than that). ``codes`` reads them all at once.

        bits of an index, the indexes (8 bytes of padding after), the values (pickled list)
    """

    reversible = False

    def writer(self, dbfile):
        return self.Writer(dbfile)

    def reader(self, dbfile, basepos, length, doccount):
        return self.Reader(dbfile, basepos, length, doccount)

    class Writer(columns.ColumnWriter):
        def __init__(self, dbfile):
            self._dbfile = dbfile
            self._uniques: dict[bytes, int] = {b"": 0}
            self._refs = array("I")

        def add(self, docnum, value):
            self.fill(docnum)
            self._refs.append(self._uniques.setdefault(value, len(self._uniques)))

        def fill(self, docnum):
            missing = docnum - len(self._refs)
            if missing > 0:
                self._refs.extend([0] * missing)

        def finish(self, doccount):
            self.fill(doccount)
            bits, packed = pack(np.frombuffer(self._refs, np.uint32)[:doccount].astype(np.int64))
            self._dbfile.write(bytes([bits]) + packed + bytes(8))
            self._dbfile.write(pickle.dumps(list(self._uniques), 4))

    class Reader(columns.ColumnReader):
        def __init__(self, dbfile, basepos, length, doccount):
            super().__init__(dbfile, basepos, length, doccount)
            self._bits = dbfile.get_byte(basepos)
            size = packed_size(doccount, self._bits) + 8
            self._refs = dbfile.get(basepos + 1, size)
            self._uniques = pickle.loads(dbfile.get(basepos + 1 + size, length - 1 - size))

        def __getitem__(self, docnum):
            return self._uniques[int(unpack(self._refs, 0, self._doccount, self._bits,
                                            np.array([docnum]))[0])]

        def __iter__(self):
            uniques = self._uniques
            return (uniques[i] for i in self.codes().tolist())

        def codes(self) -> np.ndarray:
            """Each record's value as an index into ``values``."""
            return unpack(self._refs, 0, self._doccount, self._bits)

        def values(self) -> list[bytes]:
            return list(self._uniques)


class ArrayCodec(whoosh3.W3Codec):
    """W3Codec with posting lists as arrays (term vectors stay in W3's blocks) and compact
    stored fields."""

    def per_document_writer(self, storage, segment):
        return CompactPerDocWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        return TermTableReader(self, segment.open_file(storage, TERMS_EXT),
                               segment.open_file(storage, self.POSTS_EXT),
                               key=(getattr(storage, "folder", None), segment.segment_id()))

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
