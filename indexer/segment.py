"""Cutting runs of Chinese characters into words: jieba's algorithm, run natively by rjieba
(a binding of jieba-rs) when it is installed, else by jieba itself.

jieba 0.42.1 stays the reference: rjieba ships jieba's dictionary and HMM model, and where the
two would differ on a run of Han characters this module makes rjieba give jieba's words:

* A user word: jieba's ``add_word`` adds its frequency to the dictionary's total even when the
  word was in the dictionary already; rjieba replaces the old frequency. A padding entry (a
  private-use character, never in a text) carries the difference, so the totals agree.
* A user word without a frequency gets jieba's ``suggest_freq``, computed here with jieba's
  formula (rjieba's own is off by one for some words).
* Characters outside jieba's Han range (``\\u4e00-\\u9fd5``: CJK Extension A/B, compatibility
  ideographs): jieba leaves each on its own, rjieba groups them. A run holding one is cut by jieba.

rjieba cuts ~3x faster from Python and holds its dictionary outside Python's heap, so a web
worker is smaller. ``tests/test_segment.py`` compares the two on every run of the test corpora
and on generated strings, and prints any difference. ``REPORT_SEARCH_SEGMENTER=jieba`` forces
jieba.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Sequence
from importlib import util

from .errors import ConfigError

ENV_VAR = "REPORT_SEARCH_SEGMENTER"
JIEBA_HAN = re.compile("^[\u4e00-\u9fd5]+$")  # jieba's re_han_default, Han part
PADDING = "\ue000"  # a private-use character: in no dictionary and no report


def _jieba(user_words: Sequence[tuple[str, int | None]]):
    import jieba

    jieba.setLogLevel(logging.WARNING)
    seg = jieba.Tokenizer()
    seg.initialize()
    for word, freq in user_words:
        seg.add_word(word, freq)
    return seg


class JiebaSegmenter:
    """jieba itself."""

    name = "jieba"

    def __init__(self, user_words: Sequence[tuple[str, int | None]]):
        self._seg = _jieba(user_words)

    def tokenize(self, run: str) -> list[tuple[str, int, int]]:
        return list(self._seg.tokenize(run))

    def has_word(self, word: str) -> bool:
        """A dictionary word (not just the prefix of one)."""
        return bool(self._seg.FREQ.get(word))


class RjiebaSegmenter:
    """rjieba, made to give jieba's words (see the module's docstring)."""

    name = "rjieba"

    def __init__(self, user_words: Sequence[tuple[str, int | None]]):
        import rjieba

        self._user_words = list(user_words)
        self._seg = rjieba.Jieba()
        self._fallback = None
        self._lock = threading.Lock()
        if not self._user_words:
            return
        # Every piece a user word could be cut into: one pass over the dictionary file.
        pieces = {w[i:j] for w, _ in self._user_words
                  for i in range(len(w)) for j in range(i + 1, len(w) + 1)}
        freq, total = _jieba_dictionary(pieces)
        padding = 0
        for word, given in self._user_words:
            value = given if given is not None else self._suggest_freq(word, freq, total)
            padding += freq.get(word, 0)  # jieba keeps it in the total; rjieba takes it out
            freq[word] = value
            total += value
            self._seg.add_word(word, value, None)
        if padding:
            self._seg.add_word(PADDING, padding, None)

    def _suggest_freq(self, word: str, freq: dict[str, int], total: int) -> int:
        """jieba's ``suggest_freq(word, tune=False)``."""
        product = 1.0
        for part in self._seg.cut(word, False):
            product *= freq.get(part, 1) / total
        return max(int(product * total) + 1, freq.get(word, 1))

    def tokenize(self, run: str) -> list[tuple[str, int, int]]:
        if JIEBA_HAN.match(run):
            return self._seg.tokenize(run, "default", True)
        with self._lock:  # rare: built on first use
            if self._fallback is None:
                self._fallback = JiebaSegmenter(self._user_words)
        return self._fallback.tokenize(run)

    def has_word(self, word: str) -> bool:
        return self._seg.has_word(word)


def _jieba_dictionary(words: set[str]) -> tuple[dict[str, int], int]:
    """The frequencies of ``words`` in jieba's dictionary file, and its total."""
    path = os.path.join(os.path.dirname(util.find_spec("jieba").origin), "dict.txt")
    found, total = {}, 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            word, freq = line.split(" ", 2)[:2]
            total += int(freq)
            if word in words:
                found[word] = int(freq)
    return found, total


def make_segmenter(user_words: Sequence[tuple[str, int | None]]):
    """rjieba when it is installed (unless $REPORT_SEARCH_SEGMENTER says jieba), else jieba."""
    wanted = os.environ.get(ENV_VAR, "").strip().lower() or "auto"
    if wanted not in ("auto", "jieba", "rjieba"):
        raise ConfigError(f"{ENV_VAR}={wanted!r}: use jieba or rjieba (or leave it unset)")
    if wanted != "jieba" and util.find_spec("rjieba") is not None:
        return RjiebaSegmenter(user_words)
    if wanted == "rjieba":
        raise ConfigError(f"{ENV_VAR}=rjieba but rjieba is not installed")
    return JiebaSegmenter(user_words)
