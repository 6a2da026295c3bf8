"""Where a query's words and phrases stand in a paragraph, and the snippet that shows them.

Matching is done on normalised text with whitespace squeezed out (as phrase search does), and
every span is mapped back to offsets in the original text, so a highlight never splits a
character or drifts when the text has spaces, line breaks or full-width characters.

A word's Latin letters and digits match at word boundaries only, as the search matches them
("ai" is not marked inside "domain", nor "5g" inside "15g"); a quoted phrase (``Exact``) is
marked wherever it occurs, as phrase search finds it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from markupsafe import Markup, escape

from .analysis import normalize, squeeze


class Exact(str):
    """A needle marked wherever it occurs, even inside a Latin word: a quoted phrase."""


def is_latin(ch: str) -> bool:
    """A character that words of Latin letters and digits are made of (after ``normalize``)."""
    return ch.isascii() and ch.isalnum()


def find_spans(text: str, needles: Iterable[str]) -> list[list[int]]:
    """Sorted, merged [start, end) offsets in ``text`` of every needle (already squeezed).

    >>> find_spans("户户 通工程和户户通", ["户户通"])
    [[0, 4], [7, 10]]
    >>> find_spans("Public domain, AI", ["ai"]), find_spans("Public domain", [Exact("ai")])
    ([[15, 17]], [[10, 12]])
    """
    norm = normalize(text)
    squeezed, where = _squeezed(norm)
    spans = []
    # An exact phrase and a word of the same text are two needles: a set would keep one.
    for needle, exact in dict.fromkeys((n, isinstance(n, Exact)) for n in needles if n):
        start = squeezed.find(needle)
        while start >= 0:
            first, last = where(start), where(start + len(needle) - 1)
            if exact or _at_boundaries(norm, first, last, needle):
                spans.append((first, last + 1))
            start = squeezed.find(needle, start + 1)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _squeezed(norm: str):
    """``norm`` without whitespace, and a function from an offset in that back to one in
    ``norm``. Chinese text is mostly without spaces: then the offsets are the same (walking
    every character was a fifth of a search)."""
    gaps = [(m.start(), m.end()) for m in _SPACE.finditer(norm)]
    if not gaps:
        return norm, lambda i: i
    starts, removed, gone = [], [], 0  # per run of whitespace: where it starts, squeezed
    for start, end in gaps:
        starts.append(start - gone)
        gone += end - start
        removed.append(gone)
    squeezed = _SPACE.sub("", norm)
    return squeezed, lambda i: i + (removed[k - 1] if (k := bisect_right(starts, i)) else 0)


_SPACE = re.compile(r"\s+")
JOINERS = ".-_/+&@'"  # inside a number or code, as the tokenizer reads one: 4.65%, covid-19


def _continues(norm: str, i: int, step: int) -> bool:
    """Does the character at ``i``, next to a match, carry its number or code on?"""
    if not 0 <= i < len(norm):
        return False
    ch = norm[i]
    if is_latin(ch):
        return True
    if ch in JOINERS:
        return 0 <= i + step < len(norm) and is_latin(norm[i + step])
    return step > 0 and ch in "%‰"


def _at_boundaries(norm: str, first: int, last: int, needle: str) -> bool:
    # Checked in the text with its spaces: "public domain" squeezes to "publicdomain".
    return not (is_latin(needle[0]) and _continues(norm, first - 1, -1)) and not (
        is_latin(needle[-1]) and _continues(norm, last + 1, 1))


def needles_for(texts: Iterable[str], exact: bool = False) -> list[str]:
    """What ``texts`` highlight; ``exact`` for quoted phrases, marked even inside words."""
    return [Exact(s) if exact else s for t in texts if (s := squeeze(t))]


def mark(text: str, spans: list[list[int]]) -> Markup:
    """``text`` HTML-escaped, with each span wrapped in <mark>."""
    out, last = [], 0
    for start, end in spans:  # joined as plain strings: Markup's + and join are Python code
        out += (escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>")
        last = end
    out.append(escape(text[last:]))
    return Markup("".join(out))


def snippet(text: str, spans: list[list[int]], width: int = 160) -> Markup:
    """A window of about ``width`` characters around the densest run of highlights."""
    if len(text) <= width:
        return mark(text, spans)
    starts = [start for start, _ in spans]  # sorted: the spans of find_spans are
    best, best_count = 0, -1
    for i, start in enumerate(starts):
        count = bisect_left(starts, start + width, i) - i
        if count > best_count:
            best, best_count = i, count
    begin = max(0, spans[best][0] - width // 5) if spans else 0
    begin = min(begin, len(text) - width)
    end = begin + width
    inside = [[max(s, begin) - begin, min(e, end) - begin]
              for s, e in spans if e > begin and s < end]
    body = mark(text[begin:end], inside)
    return (Markup("…") if begin else Markup("")) + body + (Markup("…") if end < len(text) else "")
