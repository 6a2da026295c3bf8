"""Text analysis shared by indexing and querying: one normaliser, two tokenizers.

* ``normalize`` folds full-width to half-width (NFKC, one character at a time), case, and
  traditional to simplified characters (OpenCC's table, character by character). It never changes
  the length of a text, so an offset into the normalised text is an offset into the original.
* ``WordTokenizer`` cuts CJK runs with jieba and keeps numbers and Latin codes whole
  (``4.65%``, ``s313``); positions count words, offsets are characters.
* ``CharTokenizer`` indexes, at each non-space character, the pair it starts (the last character
  of a text stands alone). A quoted phrase becomes its pairs at consecutive positions, so it
  matches exactly the texts that contain it, wherever jieba puts word boundaries. A single
  character is looked up in a field of its own (``UnigramTokenizer``: each distinct character
  of a paragraph, without positions).
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator, Sequence

import numpy as np
from whoosh.analysis import Analyzer, StopFilter, Token, Tokenizer

from .segment import make_segmenter

ANALYSIS_VERSION = 2  # bump when tokens change, so old indexes are rebuilt

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
LATIN = "0-9a-z\u00c0-\u024f"
TOKEN_RE = re.compile(
    rf"(?P<cjk>[{CJK}]+)"
    # a number or code stays one token: 2020, 4.65%, s313, covid-19, 1/2
    rf"|(?P<code>[{LATIN}]+(?:[.\-_/+&@'][{LATIN}]+)*[%‰]?)"
    r"|(?P<other>[^\W_]+)"
)
# Characters that hide inside text without showing: treated as spaces.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


@functools.cache
def _fold_table() -> dict[int, str]:
    import opencc

    table: dict[int, str] = {}
    for code in range(0x20, 0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) != 1:
            folded = ch
        lower = folded.lower()
        if len(lower) == 1:
            folded = lower
        if folded.isspace() or ch in INVISIBLE:
            folded = " "
        if folded != ch:
            table[code] = folded
    # Character-level traditional -> simplified keeps lengths equal (phrase-level would not).
    cjk = [chr(c) for c in range(0x3400, 0xA000)] + [chr(c) for c in range(0xF900, 0xFB00)]
    simplified = opencc.OpenCC("t2s").convert("\n".join(cjk)).split("\n")
    for trad, simp in zip(cjk, simplified, strict=True):
        if simp != trad and len(simp) == 1:
            table[ord(trad)] = table.get(ord(simp), simp)
    return table


def normalize(text: str) -> str:
    """Fold width, case and traditional characters; the result has the same length.

    >>> normalize("ＣＦＬ鄉村振興，４．６５％")
    'cfl乡村振兴,4.65%'
    """
    if len(text) < SHORT_TEXT:
        return text.translate(_fold_table())
    # A paragraph: one array lookup per character, 3x faster than translate's dict lookups.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    return _fold_codes()[codes].tobytes().decode("utf-32-le", "surrogatepass")


SHORT_TEXT = 40  # below this many characters translate is faster (numpy's call overhead)


@functools.cache
def _fold_codes() -> np.ndarray:
    """``_fold_table`` as an array: per code point, the code point it folds to."""
    codes = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    for code, folded in _fold_table().items():
        codes[code] = ord(folded)
    return codes


def squeeze(text: str) -> str:
    """Normalised text without whitespace: what phrase matching compares."""
    return "".join(normalize(text).split())


_SEGMENTERS: dict[tuple[str, ...], object] = {}
_SEGMENTER_LOCK = threading.Lock()


def segmenter(user_words: Sequence[str] = ()):
    """The word cutter (indexer/segment.py) with ``user_words`` added; built once per word list
    and process."""
    key = tuple(user_words)
    with _SEGMENTER_LOCK:
        seg = _SEGMENTERS.get(key)
        if seg is None:
            words = []
            for line in key:
                parts = normalize(line).split()
                if parts:
                    freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                    words.append((parts[0], freq))
            seg = _SEGMENTERS[key] = make_segmenter(words)
        return seg


class WordTokenizer(Tokenizer):
    """jieba words for CJK runs, whole tokens for numbers and codes.

    In ``index`` mode a long word also yields the dictionary words inside it at the same
    position (as jieba's search mode does), so ``振兴`` finds ``乡村振兴`` in the word field.

    >>> [t.text for t in WordTokenizer()("同比增长4.65%，S313")]
    ['同比', '增长', '4.65%', 's313']
    """

    def __init__(self, user_words: Sequence[str] = ()):
        self.user_words = tuple(user_words)

    def __eq__(self, other):
        return type(other) is type(self) and other.user_words == self.user_words

    def __hash__(self):
        return hash(self.user_words)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for word, pos, start in self.spans(value, mode == "index"):
            yield self._emit(t, word, start_pos + pos, start_char + start, keeporiginal)

    def spans(self, value: str, index: bool = False) -> Iterator[tuple[str, int, int]]:
        """(word, position, start offset) of each token; with ``index``, the inner words of a
        long word too (what ``__call__`` makes Tokens of; indexer/bulk.py reads it directly)."""
        seg = segmenter(self.user_words)
        pos = 0
        for match in TOKEN_RE.finditer(normalize(value)):
            if match.lastgroup != "cjk":
                yield match.group(), pos, match.start()
                pos += 1
                continue
            base = match.start()
            for word, start, end in seg.tokenize(match.group()):
                yield word, pos, base + start
                if index and end - start > 2:
                    for sub, offset in _inner_words(seg, word):
                        yield sub, pos, base + start + offset
                pos += 1

    @staticmethod
    def _emit(t: Token, text: str, pos: int, startchar: int, keeporiginal: bool) -> Token:
        t.text = text
        t.stopped = False
        t.boost = 1.0
        if keeporiginal:
            t.original = text
        if t.positions:
            t.pos = pos
        if t.chars:
            t.startchar = startchar
            t.endchar = startchar + len(text)
        return t


def _inner_words(seg, word: str) -> Iterator[tuple[str, int]]:
    for n in (2, 3):
        for i in range(len(word) - n + 1):
            sub = word[i:i + n]
            if sub != word and seg.has_word(sub):
                yield sub, i


class _Stateless(Tokenizer):
    """A tokenizer without settings: all instances are equal (Whoosh compares schemas)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    @staticmethod
    def _emit(t: Token, text: str, pos: int, startchar: int, endchar: int) -> Token:
        t.text = text
        t.stopped = False
        t.boost = 1.0
        if t.positions:
            t.pos = pos
        if t.chars:
            t.startchar = startchar
            t.endchar = endchar
        return t


class CharTokenizer(_Stateless):
    """At each non-space character, the pair it starts with the next one; the last stands alone.

    Single characters are not in this field: with positions they doubled its postings and cost
    a quarter of the indexing time. ``UnigramTokenizer`` feeds one-character queries instead.

    >>> [(t.text, t.pos) for t in CharTokenizer()("户户 通", positions=True, mode="index")]
    [('户户', 0), ('户通', 1), ('通', 2)]
    >>> [t.text for t in CharTokenizer()("户户通", mode="query")]
    ['户户', '户通']
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalize(value)
        spots = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
        last = len(spots) - 1
        for n, (i, ch) in enumerate(spots):
            if n < last:
                j, nxt = spots[n + 1]
                yield self._emit(t, ch + nxt, start_pos + n, start_char + i, start_char + j + 1)
            elif n == 0 or mode != "query":  # one character alone, or the text's last
                yield self._emit(t, ch, start_pos + n, start_char + i, start_char + i + 1)


# How often the one-character field counts a character in a text, at most: two bits a posting.
# Counting on changed the tuning sets' scores by less than 0.003 and grew the index 1.5% more.
CHAR_COUNT_CAP = 4


class UnigramTokenizer(_Stateless):
    """Each non-space character: the field that answers one-character queries, counted up to
    CHAR_COUNT_CAP (a paragraph about 煤 names it more often than one that lists it once),
    without positions.

    >>> [t.text for t in UnigramTokenizer()("户户 通")]
    ['户', '户', '通']
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        seen: dict[str, int] = {}
        for i, ch in enumerate(normalize(value)):
            if ch != " " and seen.get(ch, 0) < CHAR_COUNT_CAP:
                seen[ch] = seen.get(ch, 0) + 1
                yield self._emit(t, ch, start_pos + i, start_char + i, start_char + i + 1)


def build_word_analyzer(user_words: Sequence[str], stop_words: Sequence[str]) -> Analyzer:
    """The word chain for body, headings and title: jieba words minus stop words."""
    stops = frozenset(normalize(w) for w in stop_words)
    return WordTokenizer(user_words) | StopFilter(stoplist=stops, minsize=1, renumber=False)


def build_char_analyzer() -> Analyzer:
    """The character chain behind exact phrase search."""
    return CharTokenizer()


def fingerprint(user_words: Sequence[str], stop_words: Sequence[str]) -> str:
    """Changes whenever the tokens an index holds would change."""
    h = hashlib.sha1(f"v{ANALYSIS_VERSION}".encode())
    for word in (*user_words, "\0", *stop_words):
        h.update(word.encode() + b"\n")
    return h.hexdigest()[:16]


def word_terms(analyzer: Analyzer, text: str) -> list[str]:
    """The word-field terms of a query text, in order."""
    return [t.text for t in analyzer(text, mode="query")]


def inner_words(analyzer: Analyzer, word: str, shortest: int = 4) -> list[str]:
    """The dictionary words a long word is made of, left to right without overlap (two
    characters, else three): 农村公路 -> 农村, 公路. [] for a word under ``shortest``.

    >>> inner_words(build_word_analyzer([], []), "农民专业合作社")
    ['农民', '专业', '合作']
    >>> inner_words(build_word_analyzer([], []), "退休金", shortest=3)
    ['退休']
    """
    match = TOKEN_RE.fullmatch(word)
    if len(word) < shortest or not match or match.lastgroup != "cjk":
        return []
    tokenizer = analyzer.items[0] if hasattr(analyzer, "items") else analyzer
    seg = segmenter(tokenizer.user_words)
    parts, i = [], 0
    while i < len(word) - 1:
        size = next((n for n in (2, 3) if seg.has_word(word[i:i + n]) and word[i:i + n] != word),
                    0)
        if size:
            parts.append(word[i:i + size])
        i += size or 1
    return parts


def phrase_terms(text: str) -> list[str]:
    """The character-field terms of a quoted phrase, at consecutive positions.

    A one-character phrase gives that character alone, looked up in the single-character field.
    """
    return [t.text for t in CharTokenizer()(text, mode="query")]


def warm_up(user_words: Sequence[str]) -> None:
    """Load the fold table and jieba's dictionary now (before gunicorn forks its workers)."""
    _fold_codes()
    segmenter(user_words)


def explain(text: str, user_words: Sequence[str], stop_words: Sequence[str]) -> dict:
    """How ``text`` is cut for each searchable field, in index and in query mode."""
    chains = {
        "body": ("jieba words, stop words removed; also title and headings",
                 build_word_analyzer(user_words, stop_words)),
        "chars": ("character pairs, for exact phrases", build_char_analyzer()),
        "char": ("distinct single characters, for one-character queries", UnigramTokenizer()),
    }
    fields = {}
    for name, (description, analyzer) in chains.items():
        fields[name] = {"description": description}
        for mode in ("index", "query"):
            fields[name][mode] = [
                {"text": t.text, "position": t.pos, "start": t.startchar, "end": t.endchar}
                for t in analyzer(text, positions=True, chars=True, mode=mode)
            ]
    return {"text": text, "normalized": normalize(text), "fields": fields}
