"""The only code that reads the index: a parsed query -> SearchPage (results, facets, total)."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from whoosh import query as wq

from . import schema as f
from . import store
from .analysis import normalize, phrase_terms, squeeze, word_terms
from .config import Settings
from .errors import DocumentNotFoundError, QueryError
from .highlight import find_spans, needles_for, snippet
from .matching import Evaluator, Matches
from .query import Clause, ParsedQuery, parse_query

CHAR_WEIGHT = 0.5  # substring matches of a word count less than whole-word matches
SYNONYM_WEIGHT = 0.6  # a synonym's match counts less than the word typed
# Unquoted words standing close together multiply a result's score by 1 + PROXIMITY_BOOST.
# Checked on the stored text of the best RESCORE_WINDOW results only, as Elasticsearch's
# rescore does: a positional query over every match cost most of the search time.
PROXIMITY_BOOST = 0.5
PROXIMITY_GAP = 6  # characters allowed between neighbouring words
RESCORE_WINDOW = 50
FACETS = ("doc", "year", "section")


@dataclass
class Hit:
    doc_id: str
    title: str
    section_path: list[str]
    paragraph: int
    score: float
    text: str
    snippet_html: str
    highlights: list[list[int]]


@dataclass
class SearchPage:
    query: str
    total: int
    page: int
    size: int
    took_ms: float
    relaxed: bool = False  # no paragraph had every term; these have some of them
    results: list[Hit] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in FACETS})

    def as_json(self) -> dict:
        return asdict(self)


def _char_query(text: str, boost: float = 1.0) -> wq.Query | None:
    terms = phrase_terms(text)
    if not terms:
        return None
    if len(terms) == 1 and len(terms[0]) == 1:
        return wq.Term(f.CHAR, terms[0], boost=boost)
    if len(terms) == 1:
        return wq.Term(f.CHARS, terms[0], boost=boost)
    return wq.Phrase(f.CHARS, terms, boost=boost)


class QueryPlan:
    """A parsed query turned into Whoosh queries, plus what to highlight."""

    def __init__(self, parsed: ParsedQuery, analyzer, synonyms: dict[str, list[str]] | None = None):
        self.analyzer = analyzer
        self.synonyms = synonyms or {}
        self.needles: list[str] = []
        self.words: list[str] = []
        self.groups = [q for g in parsed.groups if (q := self._group(g)) is not None]
        self.required: wq.Query | None = wq.And(self.groups) if self.groups else None
        excluded = [q for c in parsed.excluded if (q := self._clause(c, track=False)) is not None]
        self.excluded = wq.Or(excluded) if excluded else None
        self.filters = [q for name, values in parsed.filters.items()
                        if (q := self._filter(name, values)) is not None]

    def _group(self, clauses: list[Clause]) -> wq.Query | None:
        queries = [q for c in clauses if (q := self._clause(c)) is not None]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    def _clause(self, clause: Clause, track: bool = True) -> wq.Query | None:
        words = [] if clause.phrase else word_terms(self.analyzer, clause.text)
        if not words:  # a phrase, or only stop words / symbols: match the characters exactly
            if track:
                self.needles += needles_for([clause.text])
            return _char_query(clause.text)
        if track:
            self.needles += needles_for(words)
            self.words += words
        parts = [
            wq.Or([
                wq.Term(f.BODY, w),
                wq.Term(f.HEADING_WORDS, w),
                *filter(None, [_char_query(w, CHAR_WEIGHT)]),
                *self._alternatives(w, track),
            ])
            for w in words
        ]
        query = parts[0] if len(parts) == 1 else wq.And(parts)
        whole = self._alternatives(squeeze(clause.text), track) if len(words) > 1 else []
        return wq.Or([query, *whole]) if whole else query

    def _alternatives(self, word: str, track: bool) -> list[wq.Query]:
        """Exact-phrase queries for the synonyms of ``word``."""
        others = self.synonyms.get(word, [])
        if track:
            self.needles += needles_for(others)
        return [q for o in others if (q := _char_query(o, SYNONYM_WEIGHT)) is not None]

    def relax(self) -> bool:
        """Match any of the query's terms instead of all of them (when all found nothing)."""
        if len(self.groups) < 2:
            return False
        self.required = wq.Or(self.groups)
        return True

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
        """What to match and rank; exclusions are applied as a mask (see ``IndexReader``)."""
        base = self.required if self.required is not None else wq.Every()
        boosts = [wq.Term(f.TITLE_WORDS, w) for w in dict.fromkeys(self.words)]
        return wq.AndMaybe(base, wq.Or(boosts)) if boosts else base

    @property
    def rescores(self) -> bool:
        return len(set(self.words)) > 1

    def near_factor(self, text: str) -> float:
        """1 + PROXIMITY_BOOST when the query's words stand close together in ``text``."""
        words = list(dict.fromkeys(needles_for(self.words)))
        text = squeeze(text)
        spans = sorted((s, e, w) for w in words for s, e in _spans_of(text, w))
        return 1.0 + PROXIMITY_BOOST if _near(spans, len(words)) else 1.0

    def filter_query(self) -> wq.Query | None:
        return wq.And(self.filters) if self.filters else None


class IndexReader:
    """An open index with the searcher kept fresh: call ``refresh()`` before each use."""

    def __init__(self, settings: Settings, root: str | os.PathLike | None = None):
        self.settings = settings
        self.root = Path(root or settings["index.path"])
        self._generation = None
        self._searcher = None
        self._synonyms = synonym_map(settings.synonyms())
        self.refresh()

    def refresh(self) -> bool:
        """Reopen if the index changed since last time; True when it did."""
        gen = store.generation(self.root)
        if gen == self._generation and self._searcher is not None:
            return False
        ix = store.open_index(self.root)
        old = self._searcher
        self._searcher = ix.searcher()
        self._analyzer = ix.schema[f.BODY].analyzer
        self._generation = gen
        self._titles = None
        self._columns = None
        self._evaluator = Evaluator(self._searcher)
        # Document records are few: masking them is much cheaper than filtering on kind=para.
        self._doc_mask = self._evaluator.ids(wq.Term(f.KIND, f.KIND_DOC))
        if old is not None:
            old.close()
        return True

    @property
    def generation(self) -> str:
        return self._generation

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _doc_records(self) -> list[dict]:
        return sorted(self._searcher.documents(**{f.KIND: f.KIND_DOC}), key=lambda d: d[f.PATH])

    def titles(self) -> dict[str, str]:
        if self._titles is None:
            self._titles = {d[f.DOC_ID]: d[f.TITLE] for d in self._doc_records()}
        return self._titles

    def search(self, text: str, page: int = 1, size: int | None = None,
               doc: list[str] | None = None, year: list[str] | None = None,
               section: list[str] | None = None, facet_size: int | None = None) -> SearchPage:
        """One page of paragraphs for ``text``; ``doc``/``year``/``section`` narrow it. Each
        facet lists its ``facet_size`` values with the most matches (as Elasticsearch's terms
        aggregation does; 0 lists none): at 100k paragraphs the report facet alone had 2,000."""
        started = time.perf_counter()
        size = size or self.settings["search.page_size"]
        if len(text) > self.settings["search.max_query_length"]:
            raise QueryError(
                f"query is {len(text)} characters long; the limit is "
                f"{self.settings['search.max_query_length']} (search.max_query_length)"
            )
        parsed = parse_query(text)
        for name, values in (("doc", doc), ("year", year), ("section", section)):
            if values:
                parsed.filters.setdefault(name, []).extend(values)
        result = SearchPage(query=text, total=0, page=page, size=size, took_ms=0.0)
        if not parsed.groups and not parsed.excluded and not parsed.filters:
            result.took_ms = round((time.perf_counter() - started) * 1000, 2)
            return result
        plan = QueryPlan(parsed, self._analyzer, self._synonyms)
        mask = self._doc_mask
        if plan.excluded is not None:  # a mask: no need to score what is excluded
            mask = np.union1d(mask, self._evaluator.ids(plan.excluded))
        filter_query = plan.filter_query()
        allow = self._evaluator.ids(filter_query) if filter_query else None
        if allow is not None and not len(allow):  # a filter that matches nothing
            result.took_ms = round((time.perf_counter() - started) * 1000, 2)
            return result
        docnums, ranked = self._run(plan, page * size, allow, mask)
        if not len(docnums) and plan.relax():  # as Meilisearch does: better some words than nothing
            result.relaxed = True
            docnums, ranked = self._run(plan, page * size, allow, mask)
        result.total = len(docnums)
        for score, docnum in ranked[(page - 1) * size: page * size]:
            hit = self._searcher.stored_fields(docnum)
            text_ = hit[f.TEXT]
            spans = find_spans(text_, plan.needles)
            result.results.append(Hit(
                doc_id=hit[f.DOC_ID], title=hit[f.TITLE], section_path=hit[f.SECTION_PATH],
                paragraph=hit[f.PARAGRAPH], score=round(score, 4), text=text_,
                snippet_html=str(snippet(text_, spans)), highlights=spans,
            ))
        facet_size = self.settings["search.facet_size"] if facet_size is None else facet_size
        if facet_size:
            result.facets = self._facets(docnums, facet_size)
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def _run(self, plan: QueryPlan, depth: int, allow, mask) -> tuple[np.ndarray, list[tuple]]:
        """Every match's record number, and the best ``depth`` as (score, record number), best
        first. Every match is counted and scored: none is skipped, as the total and the facets
        must count them all."""
        found: Matches = self._evaluator.run(plan.scoring_query(), within=allow)
        found = found.keep(~np.isin(found.ids, mask, assume_unique=True))
        ranked = found.top(max(depth, RESCORE_WINDOW))
        if plan.rescores:  # the same window whatever the page, so pages never disagree
            stored = self._searcher.stored_fields
            window = [(score * plan.near_factor(stored(docnum)[f.TEXT]), docnum)
                      for score, docnum in ranked[:RESCORE_WINDOW]]
            ranked = sorted(window, key=lambda pair: -pair[0]) + ranked[RESCORE_WINDOW:]
        return found.ids, ranked

    def _facet_columns(self) -> tuple:
        """Per record number, codes of its document and top-level section; per year, the records
        it tags. Read once per index generation."""
        if self._columns is None:
            reader = self._searcher.reader()
            docs, doc_code = _codes(reader.column_reader(f.DOC_ID))
            sections, section_code = _codes(reader.column_reader(f.SECTION))
            years = {year.decode(): np.fromiter(reader.postings(f.YEARS, year).all_ids(), np.int64)
                     for year in reader.lexicon(f.YEARS)}
            self._columns = docs, doc_code, sections, section_code, years
        return self._columns

    def _facets(self, docnums: np.ndarray, size: int) -> dict[str, list[dict]]:
        docs, doc_code, sections, section_code, years = self._facet_columns()
        matched = np.zeros(len(doc_code), bool)
        matched[docnums] = True
        return {
            "doc": _facet(_counted(docs, doc_code[docnums]), size, self.titles()),
            "year": _facet({y: int(matched[records].sum()) for y, records in years.items()}, size),
            "section": _facet(_counted(sections, section_code[docnums]), size),
        }

    def needles(self, text: str) -> list[str]:
        """What a query highlights (normalised, whitespace-free), for marking a whole document."""
        return QueryPlan(parse_query(text), self._analyzer, self._synonyms).needles

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Queries close to ``text`` that do find something (for "did you mean")."""
        parsed = parse_query(text)
        candidates: list[str] = []
        clauses = parsed.positive
        if any(c.phrase for c in clauses):
            candidates.append(" ".join(c.text for c in clauses))
        words = [w for c in clauses if not c.phrase for w in word_terms(self._analyzer, c.text)]
        corrector = self._searcher.corrector(f.BODY)
        for clause in clauses:  # a whole mistyped word that jieba cut apart: 户户痛 -> 户户通
            if len(clause.text) > 2:
                candidates += corrector.suggest(normalize(clause.text), limit=2, maxdist=1)
        for word in words:
            if len(word) < 2:
                continue  # one character is one edit away from every other
            for better in corrector.suggest(word, limit=2, maxdist=1):
                candidates.append(" ".join(better if w == word else w for w in words))
        if len(words) > 1:
            candidates.extend(words)
        found: list[str] = []
        for candidate in dict.fromkeys(candidates):
            if candidate.strip() and candidate != text and self.search(candidate, size=1).total:
                found.append(candidate)
            if len(found) == limit:
                break
        return found

    def documents(self) -> list[dict]:
        return [_doc_summary(d) for d in self._doc_records()]

    def document(self, doc_id: str) -> dict:
        """Metadata, outline and every paragraph of one document."""
        records = list(self._searcher.documents(**{f.DOC_ID: doc_id}))
        meta = next((r for r in records if r[f.KIND] == f.KIND_DOC), None)
        if meta is None:
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        paras = sorted((r for r in records if r[f.KIND] == f.KIND_PARA),
                       key=lambda r: r[f.PARAGRAPH])
        out = _doc_summary(meta)
        out["sections"] = [
            {"paragraph": n, "level": level, "number": no, "heading": text}
            for n, level, no, text in meta[f.OUTLINE]
        ]
        out["paragraphs"] = [
            {"paragraph": r[f.PARAGRAPH], "text": r[f.TEXT], "section_path": r[f.SECTION_PATH],
             "section_number": r.get(f.SECTION_NO, ""), "level": r.get(f.LEVEL),
             "start": r[f.START], "end": r[f.END]}
            for r in paras
        ]
        return out

    def _count(self, kind: str) -> int:
        # A search, not doc_frequency: that would still count deleted records.
        return len(self._searcher.search(wq.Term(f.KIND, kind), limit=1, scored=False))

    def status(self) -> dict:
        gen_dir = store.current_dir(self.root)
        meta = store.read_meta(gen_dir)
        return {
            "index": str(self.root.absolute()),
            "documents": self._count(f.KIND_DOC),
            "paragraphs": self._count(f.KIND_PARA),
            "size_bytes": sum(p.stat().st_size for p in gen_dir.iterdir() if p.is_file()),
            "schema_version": meta.get("schema_version"),
            "generation": self._generation,
            "created_at": meta.get("created_at"),
            "updated_at": meta.get("updated_at"),
        }


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


def _facet(counts: dict, size: int, labels: dict[str, str] | None = None) -> list[dict]:
    """The ``size`` values with the most matches, then by label."""
    items = [
        {"value": value, "label": (labels or {}).get(value, value), "count": count}
        for value, count in counts.items() if count and value not in ("", None)
    ]
    return sorted(items, key=lambda x: (-x["count"], x["label"]))[:size]


def _codes(values) -> tuple[list, np.ndarray]:
    """The distinct values, and per position the index of its value among them."""
    names: dict = {}
    codes = np.fromiter((names.setdefault(v, len(names)) for v in values), np.int64)
    return list(names), codes


def _counted(names: list, codes: np.ndarray) -> dict:
    counts = np.bincount(codes, minlength=len(names))
    return {names[i]: int(counts[i]) for i in np.flatnonzero(counts).tolist()}


def _doc_summary(record: dict) -> dict:
    years = [int(y) for y in record[f.YEARS].split(",") if y]
    return {
        "doc_id": record[f.DOC_ID], "title": record[f.TITLE], "years": years,
        "path": record[f.PATH], "paragraph_count": record[f.PARAGRAPH_COUNT],
        "indexed_at": record[f.INDEXED_AT], "content_hash": record[f.CONTENT_HASH],
        "size": record[f.SIZE],
    }
