"""The posting-list record of the index's codec: one term's postings as little-endian arrays that
numpy reads whole.

    header   one code each for the ids, weights and values below (the count and the first id
             are in the term table)
    ids      the gaps between consecutive ids, in the smallest unsigned type that holds them
    weights  nothing (all 1.0), one float (all equal), or an array (uint8/uint16/float32)
    values   nothing (all empty), one value (all equal), 4-byte values as numbers (Whoosh's
             frequencies), the values' lengths then their bytes, or (when each length is the
             weight times one whole number, as positions are) that number then the bytes

``CompactPositions`` is the value format of positional fields: a posting's positions as uint16
(uint32 past 65,534) instead of Whoosh's pickled list, so a phrase gathers them with numpy.
"""

from __future__ import annotations

import struct
from array import array

import numpy as np
from whoosh.formats import Positions

# The count and the first id are the term's document frequency and minimum id, which the term
# table holds: a record starts with its three codes.
_HEADER = struct.Struct("<BBB")  # id / weight / value codes
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
    parts[0] = _HEADER.pack(id_code, weight_code, value_code)
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

    def __init__(self, data: bytes | memoryview, count: int, first: int):
        id_code, weight_code, value_code = _HEADER.unpack_from(data)
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

SMALL = 24  # posting lists up to this long are encoded in plain Python
_ARRAY_TYPES = (None, "B", "H", "I")  # array typecodes of _UNSIGNED
assert array("I").itemsize == 4


def encode_small(ids: list, weights: list, lengths: list, blob: bytes) -> bytes:
    """``encode_postings`` for a short list, without numpy: the same record."""
    gaps = [b - a for a, b in zip(ids, ids[1:], strict=False)]
    id_code = _unsigned_code(max(gaps)) if gaps else 1
    parts = [b"", array(_ARRAY_TYPES[id_code], gaps).tobytes()]

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
    parts[0] = _HEADER.pack(id_code, weight_code, value_code)
    return b"".join(parts)

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
