"""Every match of a Whoosh query, with its score, as numpy arrays.

A search counts every match (exact totals and facets), and Whoosh's matchers walk the query
tree one posting at a time in Python: that walk was most of a search's time. Here a term's
postings are read whole as arrays (indexer/codec.py) and scored with Whoosh's own BM25F formula
and statistics, and And / Or / AndMaybe become array operations. A phrase intersects its terms'
records first, then their positions, as arrays too. Any other query runs on Whoosh's matchers,
segment by segment as Whoosh's collectors do, so its scores are Whoosh's.
tests/test_matching.py checks matches and scores against Whoosh's collector.

Field lengths are read through the W3 per-document format's internals, which is why
whoosh-reloaded is pinned to one version; postings of another codec take the matcher path.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25FScorer, WeightScorer

from .codec import ArrayCodec, field_lengths, read_postings
from .postings import Postings, positions_of
from .ranking import MINIMUM_SHOULD_MATCH


@dataclass
class Matches:
    """Record numbers (ascending, unique) and their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def keep(self, wanted: np.ndarray) -> Matches:
        return Matches(self.ids[wanted], self.scores[wanted])

    def top(self, n: int, tiers: np.ndarray | None = None,
            ties: np.ndarray | None = None) -> list[tuple[float, int]]:
        """The best ``n`` as (score, record number): highest score first, then lowest number,
        the order of Whoosh's TopCollector; with ``tiers`` (whole numbers, one a match), a
        higher tier first; with ``ties`` (one a match), equal scores by it, not by number."""
        scores, ids = self.scores, self.ids
        key = scores if tiers is None else tiers * (np.abs(scores).max(initial=0) * 2 + 1) + scores
        last = ids if ties is None else ties
        if len(ids) > n > 0:  # everything tied with the n-th best, then an exact sort of those
            cut = np.partition(key, len(key) - n)[len(key) - n]
            inside = key >= cut
            scores, ids, last = scores[inside], ids[inside], last[inside]
            tiers = None if tiers is None else tiers[inside]
        order = np.lexsort((last, -scores) if tiers is None else (last, -scores, -tiers))[:n]
        return list(zip(scores[order].tolist(), ids[order].tolist(), strict=True))


CACHED_SCORERS = 50_000  # terms whose scorer (idf, average length) an index generation keeps
# Decoded and scored postings an index generation keeps, most recently used first, in bytes of
# their arrays: the common words of a workload (发展, 改革) are decoded once, not per query.
DECODED_BYTES = 48 << 20
NONE = Matches(np.empty(0, np.int64), np.empty(0, np.float64))
_NOTHING = (NONE.ids, NONE.scores, None)


class Evaluator:
    """Runs queries on one open searcher (one index generation)."""

    def __init__(self, searcher, pair_fields: Sequence[str] = ()):
        """``pair_fields``: fields whose term at position n is the characters n and n + 1 of
        the text (analysis.CharTokenizer), so that a phrase's pairs spell out the ones
        between them."""
        self._searcher = searcher
        self._pairs = frozenset(pair_fields)
        self._segments = searcher.leaf_searchers()  # (searcher, first record number)
        self._reader = searcher.reader()
        self._lengths: dict[tuple[int, str], np.ndarray] = {}
        self._scorers: dict[tuple[str, str], object] = {}
        self._decoded = _Recent(DECODED_BYTES)  # (segment, field, term) -> scored postings
        self._local = threading.local()  # .memo: phrases matched in a remembering() block

    def run(self, q: wq.Query, within: np.ndarray | None = None) -> Matches:
        """The records matching ``q`` (only those in ``within``, ascending, when given)."""
        if within is not None and not len(within):
            return NONE
        kind = type(q)
        if kind is wq.Term:
            return self._term(q, within)
        if kind is wq.Or and not q.minmatch and q.scale is None:
            return _scaled(_union([self.run(s, within) for s in q.subqueries]), q.boost)
        if kind is wq.And:  # the rarest part first; each next part only where all before match
            parts = []
            for sub in sorted(q.subqueries, key=lambda s: s.estimate_size(self._reader)):
                parts.append(self.run(sub, within))
                within = parts[-1].ids
            return _scaled(_intersection(parts), q.boost)
        if kind is wq.AndMaybe:
            required = self.run(q.a, within)
            return _scaled(_and_maybe(required, self.run(q.b, required.ids)), q.boost)
        if kind is wq.Phrase and q.slop == 1 and len(q.words) > 1:
            memo = getattr(self._local, "memo", None)
            if memo is None:
                return self._per_segment(self._phrase, q, within)
            key = (q, id(within))  # the memo holds ``within``: its id is not reused meanwhile
            if key not in memo or memo[key][0] is not within:
                memo[key] = within, self._per_segment(self._phrase, q, within)
            return memo[key][1]
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            return self._per_segment(self._every, q, within)
        return self._per_segment(self._matcher, q, within)

    @contextmanager
    def remembering(self):
        """Within the block, a phrase run again on the same records is not matched again (a
        search weighs a word by its own matches after matching it with its synonyms)."""
        self._local.memo = {}
        try:
            yield
        finally:
            self._local.memo = None

    def count(self, q: wq.Query, within: np.ndarray | None = None) -> int:
        """How many records match ``q``; a term's are counted without scoring them again."""
        if type(q) is not wq.Term:
            return len(self.run(q, within))
        total = 0
        for number, searcher, local in self._slices(within):
            found = self._scored(number, searcher, q.fieldname, q.text, within=local)
            if found is None:
                return len(self.run(q, within))
            total += len(found[0])
        return total

    def ids(self, q: wq.Query, within: np.ndarray | None = None) -> np.ndarray:
        return self.run(q, within).ids

    def _term(self, q: wq.Term, within) -> Matches:
        def term(number, searcher, q, local):
            found = self._scored(number, searcher, q.fieldname, q.text, within=local)
            if found is None:
                return None
            return Matches(found[0], found[1] * q.boost)

        return self._per_segment(term, q, within)

    def _per_segment(self, run, q: wq.Query, within) -> Matches:
        """``run(segment number, searcher, q, local within)`` in every segment, joined; a
        segment whose ``run`` gives None makes the whole query run on Whoosh's matchers."""
        parts = []
        for number, searcher, local in self._slices(within):
            found = run(number, searcher, q, local)
            if found is None:
                return self._per_segment(self._matcher, q, within)
            parts.append(Matches(found.ids + self._segments[number][1], found.scores))
        return _concat(parts)

    def _slices(self, within):
        """Per segment: its number, searcher and the part of ``within`` in it, as the segment's
        own record numbers (None: every record); segments holding none of ``within`` left out."""
        for number, (searcher, offset) in enumerate(self._segments):
            local = None
            if within is not None:
                end = offset + searcher.reader().doc_count_all()
                local = within[np.searchsorted(within, offset):np.searchsorted(within, end)]
                if not len(local):
                    continue
                local = local - offset
            yield number, searcher, local

    def _phrase(self, number: int, searcher, q: wq.Phrase, within) -> Matches | None:
        """Whoosh's phrase: the i-th term at position p + i; scored as the sum of the terms."""
        reader = searcher.reader()
        if any((q.fieldname, w) not in reader for w in q.words):
            return NONE
        # The rarest term first; then only the blocks of the others that can hold a record
        # still in the running are read (what Whoosh's skip_to does).
        terms, ids = [None] * len(q.words), within
        for i in sorted(range(len(q.words)),
                        key=lambda i: reader.doc_frequency(q.fieldname, q.words[i])):
            terms[i] = self._scored(number, searcher, q.fieldname, q.words[i], True, ids)
            if terms[i] is None:
                return None
            ids = terms[i][0]
        # A record matches where some start p has the i-th term at p + i, for every i: keys
        # (record, p) of each term, intersected.
        format_ = searcher.schema[q.fieldname].format
        starts = None
        scores = np.zeros(len(ids))
        implied = _implied(q.words) if q.fieldname in self._pairs else ()
        for i, (t_ids, t_scores, t_values) in enumerate(terms):
            where = np.searchsorted(t_ids, ids)
            scores += t_scores[where]
            if i in implied:
                continue
            owner, positions = t_values.positions(where, format_)
            keys = owner * (1 << 32) + (positions - i + len(terms))
            if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():  # positions come ascending
                keys = np.unique(keys)
            starts = keys if starts is None else _sorted_intersection(starts, keys)
        found = np.zeros(len(ids), bool)
        found[starts >> 32] = True
        return Matches(ids[found], scores[found] * q.boost)

    def _every(self, number: int, searcher, q: wq.Every, within) -> Matches:
        """Every live record, each scored the query's boost (Whoosh's Every)."""
        reader = searcher.reader()
        ids = np.arange(reader.doc_count_all(), dtype=np.int64) if within is None else within
        if reader.has_deletions():
            ids = ids[~np.isin(ids, np.fromiter(reader.deleted_docs_set, np.int64))]
        return Matches(ids, np.full(len(ids), float(q.boost)))

    def _scored(self, number: int, searcher, fieldname: str, text: str, values: bool = False,
                within: np.ndarray | None = None):
        """A term's live records in segment ``number`` (only those in ``within`` if given),
        their scores and (if asked) their postings' values; None when the term's scorer is not
        one computed here."""
        reader = searcher.reader()
        if (fieldname, text) not in reader:
            return _NOTHING
        key = (number, fieldname, text)
        found = self._decoded.get(key)
        if found is None:
            found = self._live_scored(number, searcher, fieldname, text, values)
            if found is None:
                return None
            if isinstance(_root(found[2]), Postings):  # the array codec's: values on demand
                self._decoded.add(key, found)
        ids, scores, stored = found
        if within is not None:
            inside = np.isin(ids, within, assume_unique=True)
            ids, scores = ids[inside], scores[inside]
            if values:
                stored = _Selected(stored, np.flatnonzero(inside))
        return ids, scores, stored

    def _live_scored(self, number: int, searcher, fieldname: str, text: str, values: bool):
        reader = searcher.reader()
        ids, weights, stored = _postings(reader, fieldname, text, values)
        if reader.has_deletions():
            keep = ~np.isin(ids, np.fromiter(reader.deleted_docs_set, np.int64))
            ids, weights = ids[keep], weights[keep]
            if values or isinstance(stored, Postings):
                stored = _Selected(stored, np.flatnonzero(keep))
        scorer = self._scorers.get((fieldname, text))
        if scorer is None:  # idf and average length are the whole index's: one per term
            if len(self._scorers) > CACHED_SCORERS:
                self._scorers.clear()
            scorer = searcher.weighting.scorer(searcher, fieldname, text)
            self._scorers[fieldname, text] = scorer
        if isinstance(scorer, BM25FScorer):  # whoosh.scoring.bm25, on arrays
            length = self._field_lengths(number, reader, fieldname)[ids]
            b, k1 = scorer.B, scorer.K1
            scores = scorer.idf * (weights * (k1 + 1)) / (
                weights + k1 * ((1 - b) + b * length / scorer.avgfl))
        elif isinstance(scorer, WeightScorer):  # a field without lengths: the weight
            scores = weights
        else:
            return None
        return ids, scores, stored

    def _matcher(self, number: int, searcher, q: wq.Query, within) -> Matches:
        """Whoosh's own matcher in one segment, as its collectors run it."""
        ids, scores = [], []
        m = q.matcher(searcher, self._searcher.context())
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        found = Matches(np.array(ids, np.int64), np.array(scores, np.float64))
        return found if within is None else found.keep(np.isin(found.ids, within))

    def _field_lengths(self, number: int, reader, fieldname: str) -> np.ndarray:
        """Per record of segment ``number``: the length Whoosh's scorer uses (byte-coded)."""
        key = (number, fieldname)
        if key not in self._lengths:
            found = field_lengths(reader._perdoc, fieldname, reader.doc_count_all())
            self._lengths[key] = found.astype(np.float64)
        return self._lengths[key]


def _implied(words: Sequence[str]) -> set[int]:
    """Which pairs of a phrase in a pair field need no position check: every other inner
    one. With 社会 at p and 主义 at p + 2 the text reads 社会主义 there, so 会主 is at p + 1.

    >>> sorted(_implied(["社会", "会主", "主义"])), sorted(_implied(["a", "b", "c"]))
    ([1], [])
    """
    implied: set[int] = set()
    for i in range(1, len(words) - 1):
        before, word, after = words[i - 1], words[i], words[i + 1]
        if (i - 1 not in implied and len(before) == len(word) == len(after) == 2
                and before[1] == word[0] and word[1] == after[0]):
            implied.add(i)
    return implied


def term_ids(reader, fieldname: str, text: str) -> np.ndarray:
    """The record numbers holding a term in one segment (deleted ones too), ascending."""
    if (fieldname, text) not in reader:
        return np.zeros(0, np.int64)
    return _postings(reader, fieldname, text, False)[0]


def _postings(reader, fieldname: str, text: str, values: bool):
    """A term's record numbers, weights and (if asked) values in one segment, deleted records
    included."""
    terms = reader._terms
    terminfo = terms.term_info(fieldname, reader._text_to_bytes(fieldname, text))
    if isinstance(terms._codec, ArrayCodec) and not terminfo.is_inlined():
        found = read_postings(terms._postfile, terminfo)
        return found.ids, found.weights, found
    m = terms.matcher(fieldname, reader._text_to_bytes(fieldname, text),
                      reader.schema[fieldname].format)
    ids, weights, stored = [], [], []
    while m.is_active():  # another codec's postings (an index written before this one)
        ids.append(m.id())
        weights.append(m.weight())
        if values:
            stored.append(m.value())
        m.next()
    return np.array(ids, np.int64), np.array(weights, np.float64), _ValueList(stored)


class _ValueList(list):
    """Postings' values read through a matcher, with the positions API of codec.Postings."""

    def positions(self, selected: np.ndarray, format_):
        return positions_of(self, selected, format_)


@dataclass
class _Selected:
    """Some postings of a list (``index`` into it), with the same positions API."""

    postings: object
    index: np.ndarray

    def positions(self, selected: np.ndarray, format_):
        return self.postings.positions(self.index[selected], format_)


def _concat(parts: list[Matches]) -> Matches:
    if not parts:
        return NONE
    return Matches(np.concatenate([p.ids for p in parts]),
                   np.concatenate([p.scores for p in parts]))


def _scaled(m: Matches, boost: float) -> Matches:
    return m if boost == 1.0 else Matches(m.ids, m.scores * boost)


def should_match(units: int) -> int:
    """How many of a query's graded units a partial match holds (Elasticsearch's
    minimum_should_match): one of two, two of three or four, then half."""
    return max(1, -(-units * MINIMUM_SHOULD_MATCH // 100)) if units else 0


GROUP = 8  # parts combined per pass of grade: a table of 2^GROUP combinations


def grade(parts: list[Matches], strict: Matches | None, records: int,
          optional: Sequence[bool] = (), weighed: Sequence[int] = ()
          ) -> tuple[Matches, np.ndarray, np.ndarray, np.ndarray]:
    """The records matching any of ``parts`` (with ``strict``: every record of it, the parts
    having run within it), each scored the sum of what it matches; how many of ``parts`` each
    matches; how many of those not ``optional``; and the share of the parts' idf it holds (a
    part that fewer of the index's ``records`` match weighs more: log(records / (1 + its
    matches), or of its count in ``weighed`` where given)."""
    weighed = weighed or [len(p) for p in parts]
    weights = np.array([math.log(max(records, 1) / (1 + n)) for n in weighed]).clip(1e-6)
    needed = [not o for o in optional] or [True] * len(parts)
    if strict is not None:
        scores, counts = strict.scores.copy(), np.zeros(len(strict), np.int64)
        held, wanted = np.zeros(len(strict)), np.zeros(len(strict), np.int64)
        for part, weight, need in zip(parts, weights, needed, strict=True):  # all in strict
            at = np.searchsorted(strict.ids, part.ids)
            scores[at] += part.scores
            counts[at] += 1
            wanted[at] += need
            held[at] += weight
        return Matches(strict.ids, scores), counts, wanted, held / max(weights.sum(), 1e-6)
    if not parts:
        return NONE, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    if len(parts) == 1:
        ones = np.ones(len(parts[0]), np.int64)
        return (Matches(parts[0].ids, parts[0].scores.copy()), ones, ones * needed[0],
                np.ones(len(parts[0])))
    ids, total = _summed(parts)
    sizes = [len(p) for p in parts]
    counts, wanted = np.zeros(len(ids), np.int64), np.zeros(len(ids), np.int64)
    held = np.zeros(len(ids))
    for first in range(0, len(parts), GROUP):
        # Which parts of the group each record holds, as bits summed (a part's ids are
        # unique), then what each combination of bits counts, from a table.
        size = min(GROUP, len(parts) - first)
        bits = np.zeros(len(parts))
        bits[first:first + size] = 2.0 ** np.arange(size)
        which = total(np.repeat(bits, sizes)).astype(np.int64)
        table = (np.arange(1 << size)[:, None] >> np.arange(size)) & 1
        counts += table.sum(axis=1)[which]
        wanted += (table @ np.array(needed[first:first + size], np.int64))[which]
        held += (table @ weights[first:first + size])[which]
    scores = total(np.concatenate([p.scores for p in parts]))
    return Matches(ids, scores), counts, wanted, held / weights.sum()


def intersect(a: Matches, b: Matches) -> Matches:
    return _intersection([a, b])


def _union(parts: list[Matches]) -> Matches:
    """Every record matching any part; the score is the sum of the parts that match it."""
    parts = [p for p in parts if len(p)]
    if len(parts) <= 1:
        return parts[0] if parts else NONE
    ids, total = _summed(parts)
    return Matches(ids, total(np.concatenate([p.scores for p in parts])))


def _summed(parts: list[Matches]):
    """Every record of ``parts`` (ascending), and a function summing per record a value
    given for each id of ``parts`` (in their order)."""
    every = np.concatenate([p.ids for p in parts])
    top = int(every.max(initial=-1)) + 1
    if len(every) * 16 > top:  # many matches: sum on an array of record numbers, no sort
        # numpy finds the non-zeros of a bool array five times faster than of an int one
        ids = np.flatnonzero(np.bincount(every, minlength=top).astype(bool))
        return ids, lambda values: np.bincount(every, values, top)[ids]
    ids, where = np.unique(every, return_inverse=True)
    # (bincount of nothing gives whole numbers, even with weights)
    return ids, lambda values: np.bincount(where, values, len(ids)).astype(float, copy=False)


def _sorted_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values of ascending, duplicate-free ``a`` that are in ``b`` (the same): a binary
    search of the shorter in the longer, no sort."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a) or not len(b):
        return a[:0]
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return a[b[at] == a]


def _intersection(parts: list[Matches]) -> Matches:
    """The records matching every part; the score is the sum of the parts' scores."""
    result = parts[0] if parts else NONE
    for part in parts[1:]:
        ids, mine, theirs = np.intersect1d(result.ids, part.ids, assume_unique=True,
                                           return_indices=True)
        result = Matches(ids, result.scores[mine] + part.scores[theirs])
    return result


def _and_maybe(required: Matches, optional: Matches) -> Matches:
    """The records of ``required``, plus the score of ``optional`` where it matches too."""
    _, mine, theirs = np.intersect1d(required.ids, optional.ids, assume_unique=True,
                                     return_indices=True)
    scores = required.scores.copy()
    scores[mine] += optional.scores[theirs]
    return Matches(required.ids, scores)


class _Recent:
    """A least-recently-used map of scored postings, bounded by the bytes of their arrays;
    safe to share between the threads of a threaded server."""

    def __init__(self, budget: int):
        self.budget, self.used = budget, 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def add(self, key, found) -> None:
        size = _size(found)
        if size > self.budget // 4:  # one list must not push the whole working set out
            return
        for array in found[:2]:  # shared by later queries: nobody may write into them
            array.flags.writeable = False
        with self._lock:
            if key in self._items:
                return
            self._items[key] = found
            self.used += size
            while self.used > self.budget:
                self.used -= _size(self._items.popitem(last=False)[1])

    def values(self) -> list:
        with self._lock:
            return list(self._items.values())


def _size(found) -> int:
    """Bytes held by a cached entry; an array shared with its posting list (the ids, where
    nothing was deleted) counted once."""
    ids, scores, stored = found
    root = _root(stored)
    return root.nbytes + sum(a.nbytes for a in (ids, scores)
                             if a is not root.ids and a is not root.weights)


def _root(stored):
    """The posting list under any selection of it."""
    while isinstance(stored, _Selected):
        stored = stored.postings
    return stored
