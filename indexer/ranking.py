"""How matches are ranked, in one place: the field and match weights that BM25F scores with, and
the rescore of the best results (proximity, pseudo-relevance feedback, a one-term query's
count).

The scores themselves are Whoosh's BM25F (computed in numpy by ``matching.py``); these numbers
decide what counts how much.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

# BM25's parameters. Whoosh's defaults (B 0.75, K1 1.2) punished long paragraphs more and
# counted repeats less than the judged sets prefer: a report's paragraph about a topic is long
# and names it again and again.
BM25_B = 0.5
BM25_K1 = 2.0
# Field weights for BM25F: a match in a title or heading counts more than one in the body.
TITLE_BOOST = 3.0
HEADING_BOOST = 2.0
CHAR_WEIGHT = 1.0  # the characters of a word, wherever they stand (inside longer words too)
SYNONYM_WEIGHT = 0.6  # a synonym's match counts less than the word typed
# An entry of the general thesaurus (search.thesaurus) counts this much, shared among its
# character pairs: a phrase scores the sum of its pairs, and a long entry (非物质文化遗产 for
# 非遗) at full weight outranked the word typed and cost the tuning sets 0.01-0.02.
THESAURUS_WEIGHT = 0.3
MINIMUM_SHOULD_MATCH = 50  # percent of a query's words a partial match holds (at least one)
# Partial matches rank in this many grades of the share of the query's idf they hold, so that
# the paragraphs holding its rarer words come first (a finer grading let BM25 decide less).
PARTIAL_GRADES = 3
# When no paragraph has every word, the partial matches are the whole answer, graded in this
# many grades: two words about as rare (上学 免费) share a grade, so BM25 decides between their
# paragraphs instead of the rarer word's always going first; a word far rarer than the other
# (寄递 of 农村 寄递) still does. tune5 +0.017 (上学 免费 0.345 -> 0.765), other sets unchanged.
RELAXED_GRADES = 2
# As Elasticsearch's common terms query: a word in more than this share of the paragraphs
# searched (政策, 建设, 落实) is not required when the query has a rarer one, only ranked: a
# paragraph on 知识分子政策 need not say 落实 to rank with those that do.
COMMON_SHARE = 0.03
COMMON_LEAST = 100  # paragraphs: in a small index, no word is common enough to drop
# ... and its score counts this much: with K1 2.0 a paragraph naming 农村 six times outranked
# the ones about 集体经济 in 农村 集体经济 收入. Tuning sets +0.003 to +0.008 but tune5 -0.002;
# 21 queries up, 10 down (体育 赛事 消费 +0.14, 企业 承包 经营 -0.10).
COMMON_WEIGHT = 0.5
# A query with fewer matches than this also lists, after them, paragraphs holding one of its
# words (below MINIMUM_SHOULD_MATCH, or a common word alone), then what its loosened form finds
# (a long word's inner words): 公款吃喝 is in one paragraph, 公款 and 吃喝 in more. As
# Meilisearch does: better some words than few results (tune5 +0.05, judgments.yaml +0.006).
FEW_MATCHES = 10
PARTS_WEIGHT = 0.4  # a long word's inner words, all found apart, count less than the word
# Unquoted words standing close together multiply a result's score by 1 + PROXIMITY_BOOST.
# Checked on the stored text of the best RESCORE_WINDOW results only, as Elasticsearch's
# rescore does: a positional query over every match cost most of the search time.
PROXIMITY_BOOST = 0.5
PROXIMITY_GAP = 6  # characters allowed between neighbouring words
RESCORE_WINDOW = 30
# Pseudo-relevance feedback (the idea of RM3, applied as a rescore): the words that the best
# FEEDBACK_DOCS results share, weighted by how rare they are, are what the query is about; a
# result in the rescore window holding them is multiplied by up to 1 + FEEDBACK_BOOST. A query
# with fewer matches than FEEDBACK_DOCS gets none: too few results to learn from.
FEEDBACK_DOCS = 10
FEEDBACK_TERMS = 10
FEEDBACK_MIN_DOCS = 2  # a word in one result only is that result's, not the topic's
FEEDBACK_CANDIDATES = 50  # the words in the most results, of which the rarest are kept
FEEDBACK_BOOST = 0.4
# A query of one term (a word or a quoted phrase) multiplies each result in the rescore window
# by up to 1 + COUNT_BOOST for how often it holds the term (up to COUNT_CAP times), as a
# substring scan ranks: the index counts a character at most four times and BM25 divides by
# length, so short paragraphs naming 猪 once outranked long ones about pig farming, and the scan
# beat the product on every one-character query of the tuning sets.
COUNT_BOOST = 2.0
COUNT_CAP = 6


def near_factor(words: Sequence[str], text: str) -> float:
    """1 + PROXIMITY_BOOST when ``words`` (normalised, whitespace-free) stand close together in
    ``text`` (the same).

    >>> words = ["乡村", "振兴"]
    >>> near_factor(words, "推进乡村全面振兴"), near_factor(words, "乡村" + "，" * 9 + "振兴")
    (1.5, 1.0)
    """
    words = list(dict.fromkeys(words))
    spans = sorted((s, e, w) for w in words for s, e in _spans_of(text, w))
    return 1.0 + PROXIMITY_BOOST if _near(spans, len(words)) else 1.0


def feedback_words(results: Sequence[Iterable[str]], idf: Callable[[str], float]) -> dict[str,
                                                                                     float]:
    """The FEEDBACK_TERMS words found in the most of ``results`` (each a set of words) and
    rarest, with their weights: how many results hold the word times its idf.

    >>> feedback_words([{"大气", "治理"}, {"大气", "治理", "雾霾"}, {"治理"}],
    ...                {"大气": 2.0, "治理": 0.5, "雾霾": 3.0}.get)
    {'大气': 4.0, '治理': 1.5}
    """
    counts = Counter(word for words in results for word in words)
    often = sorted((w for w, c in counts.items() if c >= FEEDBACK_MIN_DOCS),
                   key=lambda w: (-counts[w], w))[:FEEDBACK_CANDIDATES]  # each idf is a lookup
    weights = {w: counts[w] * idf(w) for w in often}
    best = sorted(weights, key=lambda w: (-weights[w], w))[:FEEDBACK_TERMS]
    return {w: weights[w] for w in best if weights[w] > 0}


def feedback_factor(weights: dict[str, float], text: str) -> float:
    """1 + FEEDBACK_BOOST × the share of the feedback words' weight that ``text`` holds.

    >>> feedback_factor({"大气": 3.0, "雾霾": 1.0}, "治理大气污染")
    1.3
    """
    total = sum(weights.values())
    if not total:
        return 1.0
    return 1.0 + FEEDBACK_BOOST * sum(w for word, w in weights.items() if word in text) / total


def count_factor(term: str, text: str) -> float:
    """1 + COUNT_BOOST × the share of COUNT_CAP occurrences of ``term`` that ``text`` holds.

    >>> count_factor("猪", "生猪出栏，猪肉保供，猪价平稳"), count_factor("猪", "牛羊")
    (2.0, 1.0)
    """
    return 1.0 + COUNT_BOOST * min(text.count(term), COUNT_CAP) / COUNT_CAP


def rescore(ranked: list[tuple[float, int]], factor: Callable[[int], float],
            tier: Callable[[int], int | None] = lambda record: 0) -> list[tuple]:
    """The best RESCORE_WINDOW of ``ranked`` (score, record) re-ordered by score × ``factor``
    within each ``tier`` (graded matching's); the same window whatever the page asked for, so
    pages never disagree."""
    window = [(score * factor(record), record) for score, record in ranked[:RESCORE_WINDOW]]
    return sorted(window, key=lambda pair: (-(tier(pair[1]) or 0), -pair[0])) + ranked[
        RESCORE_WINDOW:]


def _spans_of(text: str, word: str) -> list[tuple[int, int]]:
    out, start = [], text.find(word)
    while start >= 0:
        out.append((start, start + len(word)))
        start = text.find(word, start + 1)
    return out


def _near(spans: list[tuple[int, int, str]], wanted: int) -> bool:
    """Is there a run of spans, each within PROXIMITY_GAP of the next, holding every word?"""
    for i, (_, end, word) in enumerate(spans):
        seen = {word}
        for start, next_end, other in spans[i + 1:]:
            if start - end > PROXIMITY_GAP:
                break
            seen.add(other)
            end = max(end, next_end)
            if len(seen) == wanted:
                return True
    return False
