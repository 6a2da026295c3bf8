"""The query language, parsed without ever failing.

    乡村振兴 户户通        both must match (AND)
    "振兴战略"  “振兴战略”  an exact phrase (ASCII or Chinese quotes; unclosed: runs to the end)
    疫情 OR 新冠           either (also ``|``)
    -扶贫  -"脱贫攻坚"      must not match
    doc:ID year:2020 section:疫情   filters

Anything else, including lone operators and stray punctuation, is searched as text.

``QueryPlan`` turns a parsed query into Whoosh queries over the schema's fields, with what to
highlight; ``search.IndexReader`` runs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from whoosh import query as wq

from . import schema as f
from .analysis import TOKEN_RE, inner_words, phrase_terms, squeeze, word_terms
from .highlight import Exact, is_latin, needles_for
from .ranking import (
    CHAR_WEIGHT,
    PARTS_WEIGHT,
    SYNONYM_WEIGHT,
    THESAURUS_WEIGHT,
    count_factor,
    near_factor,
)

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


def _char_query(text: str, boost: float = 1.0) -> wq.Query | None:
    terms = phrase_terms(text)
    if not terms:
        return None
    if len(terms) == 1 and len(terms[0]) == 1:
        return wq.Term(f.CHAR, terms[0], boost=boost)
    if len(terms) == 1:
        return wq.Term(f.CHARS, terms[0], boost=boost)
    return wq.Phrase(f.CHARS, terms, boost=boost)


def _is_latin_word(word: str) -> bool:
    """A number or code ("ai", "gdp", "5g", "5%", "covid-19"): the tokenizer keeps such a run
    whole, so the word field matches it at word boundaries, where character pairs would match
    "ai" in "domain" or "5%" in "12.5%"."""
    m = TOKEN_RE.fullmatch(word)
    return bool(m and m.lastgroup == "code")


def shown(clause: Clause) -> str:
    return f'"{clause.text}"' if clause.phrase else clause.text


class QueryPlan:
    """A parsed query turned into Whoosh queries, plus what to highlight.

    ``units`` are what graded matching counts (``search.IndexReader``): one per word of an
    unquoted term, whether or not the user typed spaces, and one per OR group; ``strict`` units
    (quoted phrases) must match. ``required`` is all of them at once.
    """

    def __init__(self, parsed: ParsedQuery, analyzer, synonyms: dict[str, list[str]] | None = None,
                 question_words: frozenset[str] = frozenset(),
                 known: Callable[[str], bool] = lambda word: True,
                 thesaurus: dict[str, list[str]] | None = None):
        self.analyzer = analyzer
        self.known = known  # is this word anywhere in the index?
        self.synonyms = synonyms or {}
        self.thesaurus = thesaurus or {}
        self.question_words = question_words
        self.needles: list[str] = []
        self.loose_needles: list[str] = []  # what ``loosened`` finds besides, to highlight
        self.words: list[str] = []
        self._near_needles: list[str] | None = None
        self.units: list[wq.Query] = []
        self.strict: list[bool] = []
        self.labels: list[str] = []  # each unit as searched (a word, "a phrase", a OR b)
        self._pieces: dict[wq.Query, wq.Query] = {}  # a word's query -> its inner words, any
        self._typed: dict[wq.Query, str] = {}  # a word's query -> the word
        self._spelled: dict[wq.Query, wq.Query] = {}  # a word's query -> the word as typed
        self._across = self._spanning(parsed.groups)
        for group in parsed.groups:
            self._group(group)
        self.required: wq.Query | None = (
            None if not self.units else self.units[0] if len(self.units) == 1
            else wq.And(self.units))
        excluded = [q for c in parsed.excluded if (q := self._clause(c, track=False))]
        self.excluded = wq.Or([_joined(parts) for parts in excluded]) if excluded else None
        self.filters = [q for name, values in parsed.filters.items()
                        if (q := self._filter(name, values)) is not None]

    def _spanning(self, groups: list[list[Clause]]) -> dict[Clause, list[wq.Query]]:
        """Synonyms of terms typed apart that name one thing together (医疗 保险: 医保), as
        Elasticsearch's multi-word synonyms match across tokens: each term of such a run of
        plain terms also matches the run's synonyms."""
        plain = [g[0] if len(g) == 1 and not g[0].phrase else None for g in groups]
        across: dict[Clause, list[wq.Query]] = {}
        for start in range(len(plain)):
            for end in range(start + 2, min(len(plain), start + SPANNED) + 1):
                run = plain[start:end]
                if None in run:
                    break
                found = self._alternatives(squeeze("".join(c.text for c in run)), True)
                for clause in run:  # (a term typed twice is one clause: its list, once)
                    mine = across.setdefault(clause, [])
                    mine += [q for q in found if q not in mine]
        return across

    def _group(self, clauses: list[Clause]) -> None:
        found = [parts for c in clauses if (parts := self._clause(c))]
        if not found:
            return
        if len(found) == 1:  # one term: each of its words counts on its own
            self.units += found[0]
            self.strict += [clauses[0].phrase] * len(found[0])  # a quoted phrase stays strict
            self.labels += [self._typed.get(q, shown(clauses[0])) for q in found[0]]
            return
        self.units.append(wq.Or([_joined(parts) for parts in found]))
        self.strict.append(False)
        self.labels.append(" OR ".join(shown(c) for c in clauses))

    def _clause(self, clause: Clause, track: bool = True) -> list[wq.Query]:
        """The queries of a term's words (all of them must match for the term to), or of its
        phrase; [] when nothing in it can be searched."""
        words = [] if clause.phrase else word_terms(self.analyzer, clause.text)
        asked = [w for w in words if w not in self.question_words]
        words = asked or words  # 如何 alone is still searched
        if not words:  # a phrase, or only stop words / symbols: match the characters exactly
            if track:
                self.needles += needles_for([clause.text], exact=True)
            query = _char_query(clause.text)
            return [query] if query is not None else []
        if track:
            self.needles += needles_for(words)
            self.words += words
        whole = self._alternatives(squeeze(clause.text), track) if len(words) > 1 else []
        whole += self._across.get(clause, []) if track else []
        out = []
        for w in words:
            parts = inner_words(self.analyzer, w, shortest=3)
            # One Chinese character only by the character field: jieba leaves 猪 alone in one
            # sentence and inside 生猪 in the next, and the word field ranked the first kind
            # above the paragraphs about pigs.
            as_word = [] if len(w) == 1 and not _is_latin_word(w) else [
                wq.Term(f.BODY, w), wq.Term(f.HEADING_WORDS, w)]
            chars = None if _is_latin_word(w) else _char_query(w, CHAR_WEIGHT)
            out.append(wq.Or([
                *as_word,
                *([chars] if chars is not None else []),
                *self._alternatives(w, track),
                *self._parts(w, parts),
                *whole,  # a synonym of the whole term stands for each of its words
            ]))
            self._typed[out[-1]] = w
            # where the word typed is, as a word or inside one (not its synonyms or parts)
            self._spelled[out[-1]] = chars if chars is not None else wq.Term(f.BODY, w)
            if parts:
                self._pieces[out[-1]] = wq.Or([wq.Term(f.BODY, p) for p in parts],
                                              boost=PARTS_WEIGHT)
                if track:
                    self.loose_needles += needles_for(parts)
        return out

    def spelled(self, unit: wq.Query) -> wq.Query | None:
        """The query for the very word a unit was made for, without its synonyms and inner
        words (None for a phrase or an OR group)."""
        return self._spelled.get(unit)

    def loosened(self) -> list[wq.Query] | None:
        """The units, each word also matching any one of its inner words (at the parts'
        weight): what a query that finds few matches goes on with (豆腐渣工程 finds 工程, 养老院
        养老). None when no word has inner words."""
        if not any(unit in self._pieces for unit in self.units):
            return None
        return [wq.Or([unit, self._pieces[unit]]) if unit in self._pieces else unit
                for unit in self.units]

    def _parts(self, word: str, parts: list[str]) -> list[wq.Query]:
        """For a long word, its inner words ``parts`` all together (at a lower weight): a text
        that writes the compound with a character more or less still holds its parts. A word
        the reports never use with one inner word (退休金: 退休) searches that word instead."""
        if len(parts) > 1:
            return [wq.And([wq.Term(f.BODY, p) for p in parts], boost=PARTS_WEIGHT)]
        if parts and not self.known(word):
            return [wq.Term(f.BODY, parts[0], boost=PARTS_WEIGHT)]
        return []

    def _alternatives(self, word: str, track: bool) -> list[wq.Query]:
        """Queries for the synonyms of ``word``: exact phrases, but Latin letters and digits
        only at word boundaries (``ai`` for 人工智能 must not match "Public domain")."""
        others = self.synonyms.get(word, [])
        general = [o for o in self.thesaurus.get(word, [])  # 乡村振兴战略 adds no match
                   if o not in others and word not in o]
        if track:
            self.needles += needles_for(others + general)
        weights = [SYNONYM_WEIGHT] * len(others) + [
            THESAURUS_WEIGHT / max(1, len(phrase_terms(o))) for o in general]
        return [q for o, weight in zip(others + general, weights, strict=True)
                if (q := self._synonym(o, weight)) is not None]

    def _synonym(self, text: str, weight: float) -> wq.Query | None:
        if not any(is_latin(c) for c in text):
            return _char_query(text, weight)
        words = word_terms(self.analyzer, text)  # "5g网络" -> 5g, 网络: whole words
        if len(words) > 1:  # the text as a phrase, its Latin words as words somewhere in it
            latin = [wq.Term(f.BODY, w) for w in words if _is_latin_word(w)]
            phrase = _char_query(text)
            return wq.And([phrase, *latin], boost=weight) if phrase else None
        if words:
            return wq.Or([wq.Term(f.BODY, words[0]), wq.Term(f.HEADING_WORDS, words[0])],
                         boost=weight)
        return None

    def clause_query(self, clause: Clause) -> wq.Query | None:
        """One clause alone, as the query matches it (for telling which terms find nothing)."""
        parts = self._clause(clause, track=False)
        return _joined(parts) if parts else None

    def _filter(self, name: str, values: list[str]) -> wq.Query | None:
        if name == "doc":
            return wq.Or([wq.Term(f.DOC_ID, v) for v in values])
        if name == "year":
            return wq.Or([wq.Term(f.YEARS, v.strip()) for v in values])
        options = []
        for value in values:  # section: the exact top-level heading, or words in any heading
            options.append(wq.Term(f.SECTION, value))
            words = word_terms(self.analyzer, value)
            if words:
                options.append(wq.And([wq.Term(f.HEADING_WORDS, w) for w in words]))
        return wq.Or(options)

    def scoring_query(self) -> wq.Query:
        """The whole query as one Whoosh query, title boost included: the complete matches of
        graded matching, scored as Whoosh scores them (what tests/test_matching.py compares
        with Whoosh's collector); exclusions are applied as a mask (see ``IndexReader``)."""
        base = self.required if self.required is not None else wq.Every()
        return wq.AndMaybe(base, self.raising()) if self.words else base

    def raising(self) -> wq.Query:
        """What adds to the score of a match without making one: the words in the report's
        title."""
        return wq.Or([wq.Term(f.TITLE_WORDS, w) for w in dict.fromkeys(self.words)])

    @property
    def rescores(self) -> bool:
        return len(set(self.words)) > 1

    @cached_property
    def counted(self) -> str | None:
        """The term of a query of one term (a word or a quoted phrase), as it stands in a
        squeezed text: its count ranks the rescore window (ranking.count_factor)."""
        words = needles_for(dict.fromkeys(self.words))
        phrases = list(dict.fromkeys(n for n in self.needles if isinstance(n, Exact)))
        if len(words) + len(phrases) == 1:
            return str((words or phrases)[0])
        return None

    def count_factor(self, text: str) -> float:
        """ranking.count_factor of the query's one term in ``text`` (squeezed); 1 otherwise."""
        term = self.counted
        return 1.0 if term is None else count_factor(term, text)

    def near_factor(self, text: str) -> float:
        """The proximity factor (ranking.near_factor) of the query's words in ``text``."""
        if self._near_needles is None:  # once per query, not once per result rescored
            self._near_needles = needles_for(self.words)
        return near_factor(self._near_needles, squeeze(text))

    def filter_query(self) -> wq.Query | None:
        return wq.And(self.filters) if self.filters else None


SPANNED = 4  # terms typed apart, at most, that a synonym may stand for together


def _joined(parts: list[wq.Query]) -> wq.Query:
    return parts[0] if len(parts) == 1 else wq.And(parts)


def synonym_map(groups: list[list[str]]) -> dict[str, list[str]]:
    """Each normalised entry -> the other entries of its groups.

    >>> synonym_map([["扶贫", "脱贫"], ["ＧＤＰ", "生产总值"]])["gdp"]
    ['生产总值']
    """
    out: dict[str, list[str]] = {}
    for group in groups:
        words = [w for w in dict.fromkeys(squeeze(g) for g in group) if w]
        for w in words:
            others = out.setdefault(w, [])
            others += [o for o in words if o != w and o not in others]
    return out
