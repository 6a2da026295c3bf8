"""The term table of the index's codec: a segment's terms, sorted, with their statistics and
where their postings are, as arrays read through the memory map.

W3 keeps terms in an on-disk hash table (a key, a pickled-struct value and hash slots: ~84 bytes
a term, most of a 10k-paragraph index's terms being two-character pairs). Here a term costs its
key, its end offset and its statistics, each column bit-packed at the width of its largest
value (indexer/postings.py): ~25 bytes a term where fixed-width columns took 46. A lookup is a
numpy ``searchsorted`` on the keys' first 8 bytes, then a bisect among the few keys sharing
them.

    "RST2", term count, field map (pickled), key bytes, then the columns: key ends and
    ``COLUMNS``, each as a kind (whole numbers or float32), a bit width, a byte length and the
    bytes
"""

from __future__ import annotations

import pickle
import struct
import weakref
from bisect import bisect_left

import numpy as np
from whoosh.codec import base
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.reading import TermNotFound
from whoosh.system import pack_ushort, unpack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from .postings import pack, unpack

MAGIC = b"RST2"
EXT = ".tix"
_HEAD = struct.Struct("<4sIIQ")  # magic, terms, field map bytes, key bytes
_COLUMN = struct.Struct("<BBQ")  # kind, bits, bytes
WHOLE, FLOAT = 0, 1
# minid and maxid are stored plus one: 0 is None
COLUMNS = ("df", "weight", "maxweight", "minlength", "maxlength", "minid", "maxid", "offset",
           "length")


class TermTableWriter:
    """Collects (key, terminfo) in key order; ``close`` writes the table."""

    def __init__(self, dbfile):
        self._dbfile = dbfile
        self._keys: list[bytes] = []
        self._stats: list[tuple] = []

    def add(self, key: bytes, terminfo: W3TermInfo) -> None:
        offset, length = terminfo.extent()
        self._keys.append(key)
        self._stats.append((
            terminfo._df, terminfo._weight, terminfo._maxweight,
            0 if terminfo._minlength is None else length_to_byte(terminfo._minlength),
            length_to_byte(terminfo._maxlength),
            0 if terminfo._minid is None else terminfo._minid + 1,
            0 if terminfo._maxid is None else terminfo._maxid + 1, offset, length))

    def close(self, fieldmap: dict[str, int]) -> None:
        keys, stats = self._keys, self._stats
        if any(a >= b for a, b in zip(keys, keys[1:], strict=False)):  # fields out of order
            order = sorted(range(len(keys)), key=keys.__getitem__)
            keys, stats = [keys[i] for i in order], [stats[i] for i in order]
        blob = b"".join(keys)
        if len(blob) >= 1 << 32:
            raise ValueError("term table too large for one segment")
        fields = pickle.dumps(fieldmap, 4)
        f = self._dbfile
        f.write(_HEAD.pack(MAGIC, len(keys), len(fields), len(blob)))
        f.write(fields)
        f.write(blob)
        f.write(_column(np.cumsum([len(k) for k in keys], dtype=np.int64)))
        columns = np.array(stats, np.float64).reshape(len(stats), len(COLUMNS)).T
        for values in columns:
            f.write(_column(values))
        f.close()


def _column(values: np.ndarray) -> bytes:
    """One column: whole numbers bit-packed, anything else as float32; 8 bytes of padding
    so that ``_Column.__getitem__`` reads whole words."""
    if len(values) and ((values < 0).any() or (values != np.round(values)).any()):
        kind, bits, packed = FLOAT, 32, values.astype("<f4").tobytes()
    else:
        kind, (bits, packed) = WHOLE, pack(values.astype(np.int64))
    return _COLUMN.pack(kind, bits, len(packed) + 8) + packed + bytes(8)


class _Column:
    """A column ``_column`` wrote, read through the buffer."""

    def __init__(self, buf, at: int, count: int):
        self.kind, self.bits, size = _COLUMN.unpack_from(buf, at)
        self.buf, self.at, self.count = buf, at + _COLUMN.size, count
        self.end = self.at + size
        self._mask = (1 << self.bits) - 1

    def __getitem__(self, i: int):
        if self.kind == FLOAT:
            return struct.unpack_from("<f", self.buf, self.at + 4 * i)[0]
        first = i * self.bits
        at = self.at + (first >> 3)
        return (int.from_bytes(self.buf[at:at + 8], "little") >> (first & 7)) & self._mask

    def array(self) -> np.ndarray:
        if self.kind == FLOAT:
            return np.frombuffer(self.buf, "<f4", self.count, self.at).astype(np.float64)
        return unpack(self.buf, self.at, self.count, self.bits)


class _KeyColumns:
    """A segment's decoded key columns."""

    __slots__ = ("ends", "prefixes", "__weakref__")

    def __init__(self, ends: np.ndarray, blob: np.ndarray):
        self.ends, self.prefixes = ends, _prefixes(blob, ends)


# Per segment, while a reader of it is open (readers keep their _KeyColumns alive).
_DECODED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


class TermTableReader(base.TermsReader):
    """Whoosh's TermsReader over a table ``TermTableWriter`` wrote."""

    def __init__(self, codec, dbfile, postfile, key=None):
        """``key`` names the segment (its files never change): readers of one segment share
        its decoded key columns, so reopening the index after adding a report decodes only the
        new segment's (the others' took 40 ms at 100k paragraphs)."""
        self._codec, self._dbfile, self._postfile = codec, dbfile, postfile
        buf = dbfile._buf if hasattr(dbfile, "_buf") else dbfile.read()  # the map, not a copy
        magic, count, fields_size, blob_size = _HEAD.unpack_from(buf, 0)
        if magic != MAGIC:
            raise ValueError("not a term table")
        at = _HEAD.size
        self._fieldmap = pickle.loads(bytes(buf[at:at + fields_size]))
        self._fieldunmap = {number: name for name, number in self._fieldmap.items()}
        at += fields_size
        self._blob = np.frombuffer(buf, np.uint8, blob_size, at)
        at += blob_size
        ends = _Column(buf, at, count)
        keys = _DECODED.get(key) if key is not None else None
        if keys is None or len(keys.ends) != count or (count and keys.ends[-1] != blob_size):
            keys = _KeyColumns(ends.array(), self._blob)
            if key is not None:
                _DECODED[key] = keys
        self._keys, self._ends, self._prefixes = keys, keys.ends, keys.prefixes  # keeps them
        self._stats = {}
        at = ends.end
        for name in COLUMNS:
            self._stats[name] = column = _Column(buf, at, count)
            at = column.end
        self._count = count

    # keys

    def _key(self, i: int) -> bytes:
        start = int(self._ends[i - 1]) if i else 0
        return self._blob[start:int(self._ends[i])].tobytes()

    def _closest(self, key: bytes) -> int:
        """The position of the first key >= ``key``."""
        prefix = np.uint64(_prefix(key))  # a Python int would make numpy convert the array
        lo = int(self._prefixes.searchsorted(prefix, "left"))
        hi = int(self._prefixes.searchsorted(prefix, "right"))
        if hi - lo <= 1:
            return lo if lo == hi or self._key(lo) >= key else hi
        return bisect_left(_Keys(self), key, lo, hi)

    def _find(self, fieldname: str, tbytes: bytes) -> int:
        """The position of a term, or -1."""
        number = self._fieldmap.get(fieldname)
        if number is None:
            return -1
        key = pack_ushort(number) + tbytes
        i = self._closest(key)
        return i if i < self._count and self._key(i) == key else -1

    def _decode(self, i: int) -> tuple[str, bytes]:
        key = self._key(i)
        return self._fieldunmap[unpack_ushort(key[:2])[0]], key[2:]

    def _terminfo(self, i: int) -> W3TermInfo:
        s = self._stats
        info = W3TermInfo()
        info._df, info._weight = s["df"][i], float(s["weight"][i])
        info._maxweight = float(s["maxweight"][i])
        info._minlength = byte_to_length(s["minlength"][i])
        info._maxlength = byte_to_length(s["maxlength"][i])
        minid, maxid = s["minid"][i], s["maxid"][i]
        info._minid = minid - 1 if minid else None
        info._maxid = maxid - 1 if maxid else None
        info.set_extent(s["offset"][i], s["length"][i])
        return info

    # Whoosh's TermsReader

    def __contains__(self, term) -> bool:
        return self._find(*term) >= 0

    def indexed_field_names(self):
        return self._fieldmap.keys()

    def cursor(self, fieldname, fieldobj):
        return TableCursor(self, fieldname, fieldobj)

    def terms(self):
        return (self._decode(i) for i in range(self._count))

    def terms_from(self, fieldname, prefix):
        return (self._decode(i) for i in range(self._start(fieldname, prefix), self._count))

    def items(self):
        return ((self._decode(i), self._terminfo(i)) for i in range(self._count))

    def items_from(self, fieldname, prefix):
        return ((self._decode(i), self._terminfo(i))
                for i in range(self._start(fieldname, prefix), self._count))

    def _start(self, fieldname: str, prefix: bytes) -> int:
        number = self._fieldmap.get(fieldname, 65535)
        return self._closest(pack_ushort(number) + prefix)

    def term_info(self, fieldname, tbytes):
        i = self._find(fieldname, tbytes)
        if i < 0:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return self._terminfo(i)

    def frequency(self, fieldname, tbytes):
        i = self._find(fieldname, tbytes)
        if i < 0:
            raise KeyError((fieldname, tbytes))
        return float(self._stats["weight"][i])

    def doc_frequency(self, fieldname, tbytes):
        i = self._find(fieldname, tbytes)
        if i < 0:
            raise KeyError((fieldname, tbytes))
        return self._stats["df"][i]

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        return self._codec.postings_reader(self._postfile, self.term_info(fieldname, tbytes),
                                           format_, term=(fieldname, tbytes), scorer=scorer)

    def close(self):
        self._blob = self._ends = self._stats = self._prefixes = None  # let the map go
        self._dbfile.close()
        self._postfile.close()


class TableCursor(base.FieldCursor):
    """The terms of one field, in order (Whoosh's FieldCursor)."""

    def __init__(self, table: TermTableReader, fieldname: str, fieldobj):
        self._table, self._fieldname, self._fieldobj = table, fieldname, fieldobj
        self._start = table._start(fieldname, b"")
        self._pos = self._start
        self._text = None
        self._index = None
        self.next()

    def first(self):
        self._pos = self._start
        return self.next()

    def find(self, term):
        if not isinstance(term, bytes):
            term = self._fieldobj.to_bytes(term)
        self._pos = self._table._start(self._fieldname, term)
        return self.next()

    def next(self):
        table = self._table
        if self._pos is not None and self._pos < table._count:
            fieldname, text = table._decode(self._pos)
            if fieldname == self._fieldname:
                self._index, self._pos = self._pos, self._pos + 1
                self._text = self._fieldobj.from_bytes(text)
                return self._text
        self._text = self._pos = self._index = None
        return None

    def text(self):
        return self._text

    def term_info(self):
        return None if self._index is None else self._table._terminfo(self._index)

    def is_valid(self):
        return self._index is not None


class _Keys:
    """The table's keys as a sequence, for bisect."""

    def __init__(self, table: TermTableReader):
        self._table = table

    def __getitem__(self, i: int) -> bytes:
        return self._table._key(i)

    def __len__(self) -> int:
        return self._table._count


def _prefix(key: bytes) -> int:
    return int.from_bytes(key[:8].ljust(8, b"\0"), "big")


def _prefixes(blob: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Each key's first 8 bytes (zero-padded) as a big-endian number: ascending, as the keys."""
    starts = np.zeros_like(ends)
    starts[1:] = ends[:-1]
    lengths = ends - starts
    heads = np.zeros((len(ends), 8), np.uint8)
    for j in range(8):  # a column of bytes at a time: 3x faster than one 2-D gather
        has = np.flatnonzero(lengths > j)
        heads[has, j] = blob[starts[has] + j]
    return heads.view(">u8").ravel().astype(np.uint64)
