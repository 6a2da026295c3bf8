"""The posting-list record of the index's codec: one term's postings as bit-packed arrays that
numpy reads whole.

    header   the ids' bit width, the weights' code, the values' code (the count and the first
             id are in the term table)
    ids      the gaps between consecutive ids, or Elias-Fano codes when smaller
    weights  nothing (all 1.0), one float (all equal), whole numbers above the smallest, or
             float32
    values   nothing (all empty); one value (all equal); 4-byte numbers (Whoosh's frequencies),
             or nothing when they equal the weights; positions (``CompactPositions``, as many
             per posting as its weight); the values' lengths then their bytes, or (when each
             length is the weight times one whole number) that number then the bytes

Whole numbers are bit-packed at the width of the largest (``pack``): a posting list's gaps,
weights and positions need 9-12 bits where whole bytes took 16.
"""

from __future__ import annotations

import struct
from array import array

import numpy as np
from whoosh.formats import Positions

_HEADER = struct.Struct("<BBB")  # id bits (or ELIAS_FANO + low bits) / weight / value code
ELIAS_FANO = 0x80
_UPPER = struct.Struct("<I")  # Elias-Fano: the bytes of the upper bits' bitmap
_BASE = struct.Struct("<BI")  # bits, smallest: packed whole-number weights
_NATIVE = {8: np.uint8, 16: np.uint16, 32: np.uint32}  # widths read without unpacking

W_ONES, W_CONSTANT, W_PACKED, W_FLOAT = range(4)
V_NONE, V_CONSTANT, V_NUMBERS, V_WEIGHTS, V_POSITIONS, V_BYTES, V_SCALED = range(7)


def pack(values: np.ndarray, bits: int | None = None) -> tuple[int, bytes]:
    """Non-negative whole numbers at ``bits`` each (by default the width of the largest),
    little-endian bit order: (bits, bytes). Zero bits for all zeros."""
    if not len(values):
        return bits or 0, b""
    if bits is None:
        bits = int(values.max()).bit_length()
    if not bits:
        return 0, b""
    if bits in _NATIVE:
        return bits, values.astype(_NATIVE[bits]).tobytes()
    if bits > 57:  # unpack reads a number from the 8 bytes its first bit is in
        raise ValueError(f"{bits}-bit numbers")
    width = 4 if bits < 32 else 8
    rows = np.unpackbits(values.astype(f"<u{width}").view(np.uint8).reshape(-1, width), axis=1,
                         bitorder="little")
    return bits, np.packbits(rows[:, :bits], bitorder="little").tobytes()


def pack_list(values: list[int]) -> tuple[int, bytes]:
    """``pack`` for a short list of Python ints: the same bytes."""
    bits = max(values).bit_length() if values else 0
    if not bits:
        return 0, b""
    whole, shift = 0, 0
    for value in values:
        whole |= value << shift
        shift += bits
    return bits, whole.to_bytes((shift + 7) // 8, "little")


def unpack(data, at: int, count: int, bits: int, index: np.ndarray | None = None) -> np.ndarray:
    """The ``count`` numbers ``pack`` wrote at ``data[at:]`` (or those at ``index``), int64."""
    n = count if index is None else len(index)
    if not bits:
        return np.zeros(n, np.int64)
    if bits in _NATIVE:
        numbers = np.frombuffer(data, _NATIVE[bits], count, at)
        return (numbers if index is None else numbers[index]).astype(np.int64)
    if index is None and count >= 64:
        return _unpack_all(data, at, count, bits)
    size = (count * bits + 7) // 8
    padded = np.zeros(size + 8, np.uint8)  # every number read as the 8 bytes from its first
    padded[:size] = np.frombuffer(data, np.uint8, size, at)
    first = (np.arange(count, dtype=np.int64) if index is None else index) * bits
    windows = np.lib.stride_tricks.as_strided(padded, (size + 1, 8), (1, 1))
    words = windows[first >> 3].view("<u8")[:, 0]
    mask = np.uint64((1 << bits) - 1)
    return ((words >> (first & 7).astype(np.uint64)) & mask).astype(np.int64)


def _unpack_all(data, at: int, count: int, bits: int) -> np.ndarray:
    """``unpack`` of a whole list: every 8 numbers fill ``bits`` bytes, so the j-th of each 8
    is the same few byte columns shifted alike; 8 column operations, 4x faster than
    gathering each number's 8 bytes."""
    groups = -(-count // 8)
    size = packed_size(count, bits)
    buf = np.zeros(groups * bits + 8, np.uint8)
    buf[:size] = np.frombuffer(data, np.uint8, size, at)
    rows = np.lib.stride_tricks.as_strided(buf, (groups, bits + 8), (bits, 1))
    out = np.empty((groups, 8), np.int64)
    mask = (1 << bits) - 1
    for j in range(8):
        first = j * bits
        column, shift = first >> 3, first & 7
        number = rows[:, column].astype(np.int64)
        for extra in range(1, (shift + bits + 7) >> 3):
            number |= rows[:, column + extra].astype(np.int64) << (8 * extra)
        out[:, j] = (number >> shift) & mask
    return out.ravel()[:count]


def packed_size(count: int, bits: int) -> int:
    return (count * bits + 7) // 8


def encode_postings(ids: np.ndarray, weights: np.ndarray, lengths: np.ndarray, blob: bytes,
                    positions: bool = False) -> bytes:
    """One posting list as one record: ascending int64 ids, float64 weights, and the values
    as their byte lengths and their bytes joined; ``positions``: the values are
    ``CompactPositions``'."""
    id_bits, id_bytes = _encode_ids(ids)
    parts = [b"", id_bytes]

    top, bottom = weights.max(), weights.min()
    if top == 1.0 and bottom == 1.0:
        weight_code = W_ONES
    elif top == bottom:
        weight_code = W_CONSTANT
        parts.append(struct.pack("<d", top))
    elif bottom >= 0 and top < 1 << 32 and (weights == np.round(weights)).all():
        weight_code = W_PACKED
        bits, packed = pack(weights.astype(np.int64) - int(bottom))
        parts += [_BASE.pack(bits, int(bottom)), packed]
    else:
        weight_code = W_FLOAT
        parts.append(weights.astype(np.float32).tobytes())

    value_code, value_bytes = _encode_values(lengths, blob, weights, weight_code, positions)
    parts.append(value_bytes)
    parts[0] = _HEADER.pack(id_bits, weight_code, value_code)
    return b"".join(parts)


def _encode_ids(ids: np.ndarray) -> tuple[int, bytes]:
    """The ids after the first: their gaps bit-packed, or (when smaller, as it is for long
    lists) Elias-Fano: each id's low bits packed, its high bits as a unary bitmap."""
    gap_bits, gaps = pack(np.diff(ids))
    if len(ids) <= SMALL:  # as encode_small, which never chooses Elias-Fano
        return gap_bits, gaps
    after = ids[1:] - ids[0]
    count, top = len(after), int(after[-1])
    low_bits = min(max(0, (top // count).bit_length() - 1), 0x7F)  # floor(log2(top / count))
    size = _UPPER.size + packed_size(count, low_bits) + packed_size((top >> low_bits) + count, 1)
    if size >= len(gaps):
        return gap_bits, gaps
    _, lows = pack(after & ((1 << low_bits) - 1), low_bits)
    ones = (after >> low_bits) + np.arange(count)
    upper = np.zeros(int(ones[-1]) + 1, np.uint8)
    upper[ones] = 1
    upper = np.packbits(upper, bitorder="little").tobytes()
    return ELIAS_FANO | low_bits, _UPPER.pack(len(upper)) + lows + upper


def _decode_ids(data, at: int, count: int, first: int, code: int) -> tuple[np.ndarray, int]:
    """The ids ``_encode_ids`` wrote at ``at``, and where they end."""
    if count == 1:
        return np.array([first], np.int64), at
    ids = np.empty(count, np.int64)
    ids[0] = first
    if code & ELIAS_FANO:
        low_bits = code & 0x7F
        size = _UPPER.unpack_from(data, at)[0]
        at += _UPPER.size
        lows = unpack(data, at, count - 1, low_bits)
        at += packed_size(count - 1, low_bits)
        upper = np.unpackbits(np.frombuffer(data, np.uint8, size, at), bitorder="little")
        # numpy finds the ones of a bool array ten times faster than those of a uint8 one
        highs = np.flatnonzero(upper.view(bool))[:count - 1] - np.arange(count - 1)
        ids[1:] = ((highs << low_bits) | lows) + first
        return ids, at + size
    gaps = unpack(data, at, count - 1, code)
    np.cumsum(gaps, out=ids[1:])
    ids[1:] += first
    return ids, at + packed_size(count - 1, code)


def _encode_values(lengths: np.ndarray, blob: bytes, weights: np.ndarray, weight_code: int,
                   positions: bool) -> tuple[int, bytes]:
    size = int(lengths[0])
    if (lengths == size).all():
        if size == 0:
            return V_NONE, b""
        numbers = np.frombuffer(blob, ">u4").astype(np.int64) if size == 4 else None
        if numbers is not None and weight_code != W_FLOAT and (numbers == weights).all():
            return V_WEIGHTS, b""  # Whoosh's Frequency format: the weights as uint32
        rows = np.frombuffer(blob, np.uint8).reshape(len(lengths), size)
        if (rows == rows[0]).all():
            return V_CONSTANT, struct.pack("<I", size) + bytes(blob[:size])
        if numbers is not None:
            bits, packed = pack(numbers)
            return V_NUMBERS, bytes([bits]) + packed
    if positions and weight_code != W_FLOAT and (weights == np.round(weights)).all() and (
            lengths == 2 * weights).all():
        bits, packed = pack(np.frombuffer(blob, "<u2"))  # 2 bytes each: no wide marker
        return V_POSITIONS, bytes([bits]) + packed
    scale = lengths[0] / weights[0] if weights[0] > 0 else 0
    if scale == int(scale) and 0 < scale < 256 and (weights * scale == lengths).all():
        return V_SCALED, bytes([int(scale)]) + bytes(blob)
    bits, packed = pack(lengths)
    return V_BYTES, bytes([bits]) + packed + bytes(blob)


SMALL = 24  # posting lists up to this long are encoded in plain Python


def encode_small(ids: list, weights: list, lengths: list, blob: bytes,
                 positions: bool = False) -> bytes:
    """``encode_postings`` for a short list, without numpy: the same record."""
    id_bits, id_bytes = pack_list([b - a for a, b in zip(ids, ids[1:], strict=False)])
    parts = [b"", id_bytes]

    top, bottom = max(weights), min(weights)
    if top == 1.0 and bottom == 1.0:
        weight_code = W_ONES
    elif top == bottom:
        weight_code = W_CONSTANT
        parts.append(struct.pack("<d", top))
    elif bottom >= 0 and top < 1 << 32 and all(w == round(w) for w in weights):
        weight_code = W_PACKED
        bits, packed = pack_list([int(w) - int(bottom) for w in weights])
        parts += [_BASE.pack(bits, int(bottom)), packed]
    else:
        weight_code = W_FLOAT
        parts.append(array("f", weights).tobytes())

    size, count = lengths[0], len(ids)
    value_code = None
    if all(n == size for n in lengths):
        numbers = list(struct.unpack(f">{count}I", blob)) if size == 4 else None
        if size == 0:
            value_code = V_NONE
        elif numbers is not None and weight_code != W_FLOAT and all(
                n == w for n, w in zip(numbers, weights, strict=True)):
            value_code = V_WEIGHTS
        elif blob == blob[:size] * count:
            value_code = V_CONSTANT
            parts.append(struct.pack("<I", size) + blob[:size])
        elif numbers is not None:
            value_code = V_NUMBERS
            bits, packed = pack_list(numbers)
            parts.append(bytes([bits]) + packed)
    if value_code is None and positions and weight_code != W_FLOAT and all(
            w == round(w) and n == 2 * w for n, w in zip(lengths, weights, strict=True)):
        value_code = V_POSITIONS
        bits, packed = pack_list(array("H", blob).tolist())
        parts.append(bytes([bits]) + packed)
    if value_code is None:
        scale = size / weights[0] if weights[0] > 0 else 0
        if (scale == int(scale) and 0 < scale < 256
                and all(w * scale == n for w, n in zip(weights, lengths, strict=True))):
            value_code = V_SCALED
            parts.append(bytes([int(scale)]) + blob)
        else:
            value_code = V_BYTES
            bits, packed = pack_list(lengths)
            parts.append(bytes([bits]) + packed + blob)
    parts[0] = _HEADER.pack(id_bits, weight_code, value_code)
    return b"".join(parts)


class Postings:
    """A decoded posting list: ids (int64), weights (float64), and values on demand."""

    __slots__ = ("ids", "weights", "_data", "_at", "_value_code", "_count")

    def __init__(self, data: bytes | memoryview, count: int, first: int):
        id_code, weight_code, value_code = _HEADER.unpack_from(data)
        self.ids, at = _decode_ids(data, _HEADER.size, count, first, id_code)
        if weight_code == W_ONES:
            self.weights = np.ones(count)
        elif weight_code == W_CONSTANT:
            self.weights = np.full(count, struct.unpack_from("<d", data, at)[0])
            at += 8
        elif weight_code == W_PACKED:
            bits, base = _BASE.unpack_from(data, at)
            at += _BASE.size
            self.weights = (unpack(data, at, count, bits) + base).astype(np.float64)
            at += packed_size(count, bits)
        else:
            self.weights = np.frombuffer(data, np.float32, count, at).astype(np.float64)
            at += 4 * count
        self._data, self._at, self._value_code, self._count = data, at, value_code, count

    @property
    def nbytes(self) -> int:
        """Memory held: the decoded arrays and the encoded record."""
        return self.ids.nbytes + self.weights.nbytes + len(self._data)

    def values(self) -> list:
        """Each posting's value as bytes (None for a format without values, as W3 gives)."""
        data, at, count, code = self._data, self._at, self._count, self._value_code
        if code == V_NONE:
            return [None] * count
        if code == V_CONSTANT:
            size = struct.unpack_from("<I", data, at)[0]
            return [bytes(data[at + 4:at + 4 + size])] * count
        if code in (V_NUMBERS, V_WEIGHTS):
            numbers = (self.weights.astype(np.int64) if code == V_WEIGHTS
                       else unpack(data, at + 1, count, data[at]))
            return [struct.pack(">I", n) for n in numbers.tolist()]
        if code == V_POSITIONS:
            raw = self._all_positions().astype("<u2").tobytes()
        else:
            raw = bytes(data)
        starts, ends = self._extents()
        return [raw[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]

    def _counts(self) -> np.ndarray:
        return self.weights.astype(np.int64)  # V_POSITIONS: a posting's weight is its count

    def _all_positions(self) -> np.ndarray:
        data, at = self._data, self._at
        return unpack(data, at + 1, int(self._counts().sum()), data[at])

    def _extents(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each posting's value starts and ends: in the record (V_BYTES, V_SCALED), or
        in the uint16 bytes of ``_all_positions`` (V_POSITIONS)."""
        data, at, count = self._data, self._at, self._count
        if self._value_code == V_POSITIONS:
            lengths, first = 2 * self._counts(), 0
        elif self._value_code == V_SCALED:
            lengths = (self.weights * data[at]).astype(np.int64)
            first = at + 1
        else:
            lengths = unpack(data, at + 1, count, data[at])
            first = at + 1 + packed_size(count, data[at])
        ends = np.cumsum(lengths, dtype=np.int64) + first
        return ends - lengths, ends

    def positions(self, selected: np.ndarray, format_) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the postings at indexes ``selected``, as two flat arrays: which
        of ``selected`` each belongs to, and the position."""
        if self._value_code != V_POSITIONS:
            return positions_of(self.values(), selected, format_)
        counts = self._counts()
        starts = np.cumsum(counts) - counts
        wanted = counts[selected]
        owner = np.repeat(np.arange(len(selected)), wanted)
        offsets = np.arange(len(owner)) - np.repeat(np.cumsum(wanted) - wanted, wanted)
        data, at, total = self._data, self._at, int(counts.sum())
        index = np.repeat(starts[selected], wanted) + offsets
        if len(index) * 4 > total:  # most of them: unpacking all is faster than picking
            return owner, unpack(data, at + 1, total, data[at])[index]
        return owner, unpack(data, at + 1, total, data[at], index)


def positions_of(values: list, selected: np.ndarray, format_) -> tuple[np.ndarray, np.ndarray]:
    """``Postings.positions`` for values held as a list of bytes."""
    decoded = [format_.decode_positions(values[i]) for i in selected.tolist()]
    owner = np.repeat(np.arange(len(decoded)), [len(p) for p in decoded])
    flat = np.fromiter((p for one in decoded for p in one), np.int64, len(owner))
    return owner, flat


class CompactPositions(Positions):
    """Whoosh's Positions format with the positions as a uint16 array (uint32 behind a
    0xFFFF marker when one is past 65,534) instead of a pickle: a third of the bytes, and
    decoded without unpickling. In a posting list they are bit-packed (V_POSITIONS).

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
