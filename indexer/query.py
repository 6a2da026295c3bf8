"""The query language, parsed without ever failing.

    乡村振兴 户户通        both must match (AND)
    "振兴战略"  “振兴战略”  an exact phrase (ASCII or Chinese quotes; unclosed: runs to the end)
    疫情 OR 新冠           either (also ``|``)
    -扶贫  -"脱贫攻坚"      must not match
    doc:ID year:2020 section:疫情   filters

Anything else, including lone operators and stray punctuation, is searched as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
FILTER_NAMES = ("doc", "year", "section")
OR_WORDS = {"OR", "|", "||", "或"}
AND_WORDS = {"AND", "&", "&&"}
WORD_RE = re.compile(r"[^\s\"“「『]+")


@dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False
    negated: bool = False


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    excluded: list[Clause] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def positive(self) -> list[Clause]:
        return [c for group in self.groups for c in group]

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded and not self.filters


def _lex(text: str) -> list[tuple[str, str, bool]]:
    """-> [(kind, text, negated)] with kind "word", "phrase" or "or"."""
    tokens: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch in "-－" and i + 1 < n and not text[i + 1].isspace():
            negated, i = True, i + 1
            ch = text[i]
        if ch in QUOTES:
            close = text.find(QUOTES[ch], i + 1)
            end = close if close >= 0 else n
            tokens.append(("phrase", text[i + 1:end], negated))
            i = end + 1
            continue
        m = WORD_RE.match(text, i)
        word = m.group()
        i = m.end()
        if not negated and word in OR_WORDS:
            tokens.append(("or", word, False))
        elif not negated and word in AND_WORDS:
            continue
        else:
            tokens.append(("word", word, negated))
    return tokens


def parse_query(text: str) -> ParsedQuery:
    """Parse a user's query; never raises."""
    parsed = ParsedQuery()
    pending_or = False
    for kind, value, negated in _lex(text):
        if kind == "or":
            pending_or = bool(parsed.groups)
            continue
        if kind == "word" and not negated:
            name, sep, arg = value.partition(":")
            if not sep:
                name, sep, arg = value.partition("：")
            if sep and name.lower() in FILTER_NAMES and arg:
                parsed.filters.setdefault(name.lower(), []).append(arg)
                continue
        clause = Clause(value, phrase=kind == "phrase", negated=negated)
        if not value.strip():
            continue
        if negated:
            parsed.excluded.append(clause)
        elif pending_or:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        pending_or = False
    return parsed
