"""The only code that reads the index: a parsed query -> SearchPage (results, facets, total)."""

from __future__ import annotations

import math
import os
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from . import schema as f
from . import store
from .analysis import TOKEN_RE, normalize, squeeze, word_terms
from .config import Settings
from .errors import DocumentNotFoundError, QueryError
from .highlight import find_spans, snippet
from .matching import Evaluator, Matches, grade, intersect, should_match
from .query import Clause, ParsedQuery, QueryPlan, parse_query, shown, synonym_map
from .ranking import (
    BM25_B,
    BM25_K1,
    COMMON_LEAST,
    COMMON_SHARE,
    COMMON_WEIGHT,
    FEEDBACK_DOCS,
    FEW_MATCHES,
    PARTIAL_GRADES,
    RELAXED_GRADES,
    RESCORE_WINDOW,
    feedback_factor,
    feedback_words,
    rescore,
)
from .records import Columns, RecordCache, facets

FACETS = ("doc", "year", "section")
# Per index generation, for feedback: the words of this many records (about 5 kB each) and the
# idf of this many words, kept between searches.
CACHED_RECORDS = 2_000
CACHED_IDFS = 20_000
# Records whose stored fields a generation keeps decoded: the paragraphs that rank high for
# common words come back query after query, each a block to decompress and unpickle.
STORED_RECORDS = 4096
MISSING_CHECKS = 20  # distinct query terms checked for "未找到" (each is one more lookup)
# "Did you mean" runs the spelling corrector and a lookup per word: a 999-character query of
# one repeated word once held a worker for 20 s. These bound the work per query.
SUGGEST_MAX_CHARS = 40  # longer queries get no suggestions
SUGGEST_MAX_TERMS = 6  # distinct terms (and distinct words) looked at
SUGGEST_MAX_CHECKS = 8  # candidate queries tried
CORRECT_MIN_CHARS = 3  # one edit in a shorter word makes an unrelated word (量子 -> 班子)


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
    file_name: str = ""  # the report's file: it tells apart reports that share a title
    title_shared: bool = False  # another report has the same title
    partial: bool = False  # holds some of the query's words, not all (ranked after those that do)
    page: int | None = None  # the page of the original file (a PDF) the paragraph starts on


@dataclass
class Found:
    """What ``IndexReader._run`` found: the best matches ranked, how many have every unit of
    the query and how many only some, and which records the facets count."""

    ranked: list[tuple[float, int]]
    complete: int
    partial: int
    facet_ids: np.ndarray
    partial_ids: np.ndarray  # ascending
    optional: list[str] = field(default_factory=list)  # common words that only ranked
    records: dict[int, dict] = field(default_factory=dict)  # stored fields read for ranking

    def widened(self, wider: Found) -> Found:
        """These matches, then those of ``wider`` (a loosened query's) that are not among them,
        as partial matches (all of ``wider``'s when these are none)."""
        have = np.union1d(self.facet_ids, self.partial_ids)
        more = np.setdiff1d(np.union1d(wider.facet_ids, wider.partial_ids), have)
        seen = set(have.tolist())
        ranked = self.ranked + [(s, d) for s, d in wider.ranked if d not in seen]
        facet_ids = self.facet_ids if self.complete else np.union1d(have, more)
        return Found(ranked, self.complete, self.partial + len(more), facet_ids,
                     np.union1d(self.partial_ids, more), self.optional if len(have) else
                     wider.optional, {**wider.records, **self.records})

    def is_partial(self, docnum: int) -> bool:
        at = np.searchsorted(self.partial_ids, docnum)
        return bool(at < len(self.partial_ids) and self.partial_ids[at] == docnum)


@dataclass
class SearchPage:
    query: str
    total: int
    page: int
    size: int
    took_ms: float
    relaxed: bool = False  # no paragraph had every term; these have some of them
    partial_total: int = 0  # paragraphs with some of the words, ranked after the ``total``
    missing: list[str] = field(default_factory=list)  # terms no paragraph has (relaxed or none)
    optional: list[str] = field(default_factory=list)  # common words not required, only ranked
    results: list[Hit] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in FACETS})
    suggestions: list[str] = field(default_factory=list)  # "did you mean", when nothing found

    def as_json(self) -> dict:
        # dataclasses.asdict deep-copies every value: 1.7 ms of a 9 ms search at 100k
        return {**vars(self), "results": [dict(vars(hit)) for hit in self.results]}


class IndexReader:
    """An open index with the searcher kept fresh: call ``refresh()`` before each use."""

    def __init__(self, settings: Settings, root: str | os.PathLike | None = None):
        self.settings = settings
        self.root = Path(root or settings["index.path"])
        self._generation = None
        self._searcher = None
        self._synonyms = synonym_map(settings.synonyms())
        self._thesaurus = synonym_map(settings["search.thesaurus"])
        self._question_words = frozenset(normalize(w) for w in settings["search.question_words"])
        self._cache = RecordCache()  # per segment: outlives index generations
        self.refresh()

    def refresh(self) -> bool:
        """Reopen if the index changed since last time; True when it did."""
        gen = store.generation(self.root)
        if gen == self._generation and self._searcher is not None:
            return False
        ix = store.open_index(self.root)
        old = self._searcher
        self._searcher = ix.searcher(weighting=BM25F(B=BM25_B, K1=BM25_K1))
        self._analyzer = ix.schema[f.BODY].analyzer
        self._generation = gen
        self._docs = self._labels = None
        self._records = None
        self._source_list = self._source_stamp = None
        self._source_counts = None
        self._columns = self._ties = None
        self._evaluator = Evaluator(self._searcher, pair_fields=[f.CHARS])
        self._stored = lru_cache(STORED_RECORDS)(self._read_stored)  # shared: read, never written
        self._words_of: dict[int, frozenset[str]] = {}
        self._idfs: dict[str, float] = {}
        leaves = self._searcher.reader().leaf_readers()
        self._leaves = ([offset for _, offset in leaves], [leaf for leaf, _ in leaves])
        # Document records are few: masking them is much cheaper than filtering on kind=para.
        self._doc_mask = self._evaluator.ids(wq.Term(f.KIND, f.KIND_DOC))
        # Per record number, as flags: looking a match up is cheaper than np.isin on a list
        count = self._searcher.doc_count_all()
        self._is_doc = np.zeros(count, bool)
        self._is_doc[self._doc_mask] = True
        self._is_heading = np.zeros(count, bool)
        self._is_heading[self._evaluator.ids(wq.Term(f.ROLE, f.ROLE_HEADING))] = True
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
        """The document records, by path; read once per index generation."""
        if self._records is None:
            self._records = sorted(self._cache.doc_records(self._searcher.reader()),
                                   key=lambda d: d[f.PATH])
        return self._records

    def source_paths(self) -> list[str]:
        """What the index reads, absolute: the configured folders, then every path it was
        given (meta.json's "sources", written by the indexer). Read again when meta.json
        changes, which a run that only adds a source does without a new generation."""
        gen_dir = store.current_dir(self.root)
        try:
            stamp = (gen_dir / store.META).stat().st_mtime_ns if gen_dir else None
            if self._source_list is None or stamp != self._source_stamp:
                remembered = store.read_meta(gen_dir).get("sources", []) if gen_dir else []
                configured = [os.path.abspath(p) for p in self.settings["index.folders"]]
                self._source_list = list(dict.fromkeys([*configured, *remembered]))
                self._source_stamp, self._source_counts = stamp, None
        except (OSError, ValueError):
            pass  # replaced by a rebuild meanwhile: the list read last time stands
        return self._source_list or [os.path.abspath(p) for p in self.settings["index.folders"]]

    def _doc_names(self) -> dict[str, dict]:
        """Per document: title, file name, and whether another document has the same title."""
        if self._docs is None:
            # os.path.basename, not PurePath(...).name: a fifth of the first search after an
            # added report, at 2,000 reports
            docs = {d[f.DOC_ID]: {"title": d[f.TITLE], "file_name": os.path.basename(d[f.PATH])}
                    for d in self._doc_records()}
            seen: dict[str, int] = {}
            for d in docs.values():
                seen[d["title"]] = seen.get(d["title"], 0) + 1
            for d in docs.values():
                d["shared"] = seen[d["title"]] > 1
            self._docs = docs
        return self._docs

    def titles(self) -> dict[str, str]:
        return {doc_id: d["title"] for doc_id, d in self._doc_names().items()}

    def labels(self) -> dict[str, str]:
        """Per document, a name no other document has: its title, followed by its file name
        where four provincial reports are all titled 政府工作报告."""
        if self._labels is None:
            self._labels = {doc_id: f"{d['title']}（{d['file_name']}）" if d["shared"]
                            else d["title"] for doc_id, d in self._doc_names().items()}
        return self._labels

    def search(self, text: str, page: int = 1, size: int | None = None,
               doc: list[str] | None = None, year: list[str] | None = None,
               section: list[str] | None = None, facet_size: int | None = None,
               suggest: bool = False) -> SearchPage:
        """One page of paragraphs for ``text``; ``doc``/``year``/``section`` narrow it. Each
        facet lists its ``facet_size`` values with the most matches (as Elasticsearch's terms
        aggregation does; 0 lists none): at 100k paragraphs the report facet alone had 2,000.
        With ``suggest``, a search that finds nothing with every word says what the query
        might have meant (``suggestions``)."""
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
        plan = self._plan(parsed)
        mask = self._is_doc  # flags, per record number, of what no result may be
        if plan.excluded is not None:  # a mask: no need to score what is excluded
            mask = mask.copy()
            mask[self._evaluator.ids(plan.excluded)] = True
        filter_query = plan.filter_query()
        allow = self._evaluator.ids(filter_query) if filter_query else None
        if allow is not None and not len(allow):  # a filter that matches nothing
            result.took_ms = round((time.perf_counter() - started) * 1000, 2)
            return result
        found, widened = self._found(plan, page * size, allow, mask)
        needles = plan.needles + plan.loose_needles if widened else plan.needles
        result.total, result.partial_total = found.complete, found.partial
        result.optional = found.optional
        result.relaxed = not found.complete and bool(found.partial)  # "relaxed" with nothing
        if result.relaxed or not result.total:  # to show says nothing
            result.missing = self._missing(parsed, plan, allow)
        docnums, ranked = found.facet_ids, found.ranked
        names = self._doc_names()
        for score, docnum in ranked[(page - 1) * size: page * size]:
            hit = found.records.get(docnum) or self._stored(docnum)
            partial = found.is_partial(docnum)
            text_ = hit[f.TEXT]
            spans = find_spans(text_, needles)
            doc = names.get(hit[f.DOC_ID], {})
            result.results.append(Hit(
                doc_id=hit[f.DOC_ID], title=hit[f.TITLE], section_path=hit[f.SECTION_PATH],
                paragraph=hit[f.PARAGRAPH], score=round(score, 4), text=text_,
                snippet_html=str(snippet(text_, spans)), highlights=spans,
                file_name=doc.get("file_name", ""), title_shared=doc.get("shared", False),
                partial=partial, page=hit.get(f.PAGE),
            ))
        facet_size = self.settings["search.facet_size"] if facet_size is None else facet_size
        if facet_size:
            result.facets = self._facets(docnums, facet_size)
        if suggest and not result.total:
            result.suggestions = self.suggest(text)
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def _found(self, plan: QueryPlan, depth: int, allow, mask) -> tuple[Found, bool]:
        """``_run``'s matches; with fewer than FEW_MATCHES, widened by the loosened query's
        (a long word's inner words), and whether they were."""
        found = self._run(plan, depth, allow, mask)
        if found.complete + found.partial < FEW_MATCHES and (loose := plan.loosened()):
            return found.widened(self._run(plan, depth, allow, mask, loose)), True
        return found, False

    def _plan(self, parsed: ParsedQuery) -> QueryPlan:
        return QueryPlan(parsed, self._analyzer, self._synonyms, self._question_words,
                         known=lambda word: self._searcher.doc_frequency(f.BODY, word) > 0,
                         thesaurus=self._thesaurus)

    def _missing(self, parsed: ParsedQuery, plan: QueryPlan, allow) -> list[str]:
        """The query's terms that no paragraph (within the filters) has, as typed: what a
        relaxed search left out ("未找到：量子"), or why nothing was found. A term that only
        excluded paragraphs have is not missing: the exclusion removed them."""
        missing = []
        for clause in list(dict.fromkeys(parsed.positive))[:MISSING_CHECKS]:
            query = plan.clause_query(clause)
            if query is None:
                continue
            ids = self._evaluator.ids(query, within=allow)
            if not len(np.setdiff1d(ids, self._doc_mask, assume_unique=True)):
                missing.append(shown(clause))
        return missing

    def _run(self, plan: QueryPlan, depth: int, allow, mask, units=None) -> Found:
        """Every match, counted, and the best ``depth`` ranked. Graded, as Elasticsearch's
        minimum_should_match: a paragraph with every unit of the query ranks above one with
        fewer, and one with at least ``should_match`` of them is a (partial) match, graded by
        the share of the query's idf it holds; quoted phrases must match; common words
        (``_common``) need not. Within a grade,
        paragraphs rank above headings, then by score. ``mask`` flags, by record number, the
        records that are no result (documents, exclusions).
        Every match is counted and scored: none is skipped, as the total and the facets must
        count them all."""
        evaluator, within = self._evaluator, allow
        units = plan.units if units is None else units
        strict = None if units else evaluator.run(wq.Every(), within)  # filters alone
        for query in [q for q, must in zip(units, plan.strict, strict=True) if must]:
            found = evaluator.run(query, within)
            strict = found if strict is None else intersect(strict, found)
            within = strict.ids
        loose = [q for q, must in zip(units, plan.strict, strict=True) if not must]
        with evaluator.remembering():
            graded = [evaluator.run(q, within) for q in loose]
            sizes = [self._weighed_size(plan.spelled(q), len(g), within)
                     for q, g in zip(loose, graded, strict=True)] if len(loose) > 1 else []
        common = self._common(sizes, allow) if strict is None and sizes else []
        if any(common):
            graded = [Matches(g.ids, g.scores * COMMON_WEIGHT) if c else g
                      for g, c in zip(graded, common, strict=True)]
        matches, counts, wanted, held = grade(graded, strict, self._searcher.doc_count_all(),
                                              common, sizes)
        if plan.words:  # title words raise what matches already (AndMaybe)
            boost = evaluator.run(plan.raising(), matches.ids)
            matches.scores[np.searchsorted(matches.ids, boost.ids)] += boost.scores
        live = ~mask[matches.ids]
        enough = counts >= should_match(len(graded))
        if any(common):  # a common word alone is no match (as in a common terms query)
            enough &= wanted > 0
        if graded and (live & enough).sum() < FEW_MATCHES:  # as Meilisearch does: better some
            enough = counts >= (0 if strict is not None else 1)  # words (or the phrase) than few
        keep = live & enough
        matches, counts, held = matches.keep(keep), counts[keep], held[keep]
        complete = wanted[keep] == len(graded) - sum(common)
        paragraph = ~self._is_heading[matches.ids]
        # Partial matches in PARTIAL_GRADES grades of how much of the query's idf they hold (in
        # RELAXED_GRADES when they are all there is): a paragraph with the rare word of 农村 寄递
        # before one with the common word.
        steps = PARTIAL_GRADES if complete.any() else RELAXED_GRADES
        grades = np.where(complete, PARTIAL_GRADES + 1, np.rint(held * steps))
        tiers = grades.astype(np.int64) * 2 + paragraph
        ranked = matches.top(max(depth, RESCORE_WINDOW), tiers, self._tie_order()[matches.ids])
        weights = self._feedback(plan, [d for _, d in ranked[:FEEDBACK_DOCS]]) if len(
            matches) > FEEDBACK_DOCS else {}
        records = {}
        if plan.rescores or weights or plan.counted:
            # in record order: neighbours share a compressed block, unpacked once
            records = {d: self._stored(d) for d in sorted(d for _, d in ranked[:RESCORE_WINDOW])}
            texts = {docnum: squeeze(record[f.TEXT]) for docnum, record in records.items()}
            window = np.array(list(texts), np.int64)
            tier_of = dict(zip(window.tolist(), tiers[np.searchsorted(matches.ids, window)]
                               .tolist(), strict=True))
            near = plan.near_factor if plan.rescores else lambda text: 1.0
            ranked = rescore(ranked, lambda docnum: near(texts[docnum])
                             * plan.count_factor(texts[docnum])
                             * feedback_factor(weights, texts[docnum]), tier_of.get)
        partial_ids = matches.ids[~complete]
        return Found(ranked, int(complete.sum()), int((~complete).sum()),
                     matches.ids[complete] if complete.any() else matches.ids, partial_ids,
                     [label for label, c in zip(plan.labels, common, strict=False) if c],
                     records)

    def _weighed_size(self, spelled: wq.Query | None, matched: int, within) -> int:
        """How many paragraphs a unit counts as matching when it is weighed (its idf, whether
        it is common): those holding the word typed, where there are any. Its synonyms and
        inner words widen what it matches but do not make it commoner: 涨价 must not weigh less
        than 东西 in 东西 涨价 because 价格上涨 is one of its synonyms."""
        known = self._evaluator.count(spelled, within) if spelled is not None else 0
        return min(matched, known) if known else matched

    def _common(self, sizes: list[int], allow) -> list[bool]:
        """Which of a query's units (matching ``sizes`` paragraphs) are common words that only
        rank (ranking.COMMON_SHARE): those in more than that share of the paragraphs searched,
        when another unit is rarer."""
        searched = self._searcher.doc_count() if allow is None else len(allow)
        common = [size > max(COMMON_SHARE * searched, COMMON_LEAST) for size in sizes]
        return common if len(sizes) > 1 and not all(common) else [False] * len(sizes)

    def _feedback(self, plan: QueryPlan, docnums: list[int]) -> dict[str, float]:
        """The feedback words of the best results (ranking.feedback_words): words of Chinese
        characters, other than what the query searches already."""
        asked = set(plan.words) | set(plan.needles)
        results = [self._chinese_words(docnum) - asked for docnum in docnums]
        return feedback_words(results, self._idf)

    def _chinese_words(self, docnum: int) -> frozenset[str]:
        """The words of two or more Chinese characters in a record's text (cached: segmenting
        ten paragraphs was half a search's time)."""
        words = self._words_of.get(docnum)
        if words is None:
            if len(self._words_of) > CACHED_RECORDS:
                self._words_of.clear()
            words = self._words_of[docnum] = frozenset(
                w for w in word_terms(self._analyzer, self._stored(docnum)[f.TEXT])
                if len(w) > 1 and (m := TOKEN_RE.fullmatch(w)) and m.lastgroup == "cjk")
        return words

    def _idf(self, word: str) -> float:
        """log(paragraphs / (1 + paragraphs with ``word``)), cached: with many segments each
        lookup reads every segment's term index."""
        idf = self._idfs.get(word)
        if idf is None:
            if len(self._idfs) > CACHED_IDFS:
                self._idfs.clear()
            searcher = self._searcher
            idf = self._idfs[word] = math.log(
                searcher.doc_count() / (1 + searcher.doc_frequency(f.BODY, word)))
        return idf

    def _read_stored(self, docnum: int) -> dict:
        """A record's stored fields, read from its segment directly: Whoosh's reader filters
        each field name through the schema, a third of the time of reading 50 records."""
        offsets, leaves = self._leaves
        i = bisect_right(offsets, docnum) - 1
        return leaves[i]._perdoc.stored_fields(docnum - offsets[i])

    def _facet_columns(self) -> Columns:
        """Per record number, codes of its document and top-level section; per year, the records
        it tags. Read once per index generation, from segments read once per process."""
        if self._columns is None:
            self._columns = self._cache.columns(self._searcher.reader())
        return self._columns

    def _tie_order(self) -> np.ndarray:
        """Per record number, its place in an order of the index that does not depend on how
        it was built: by report id, then by place in its report. Equal scores are ranked by it,
        so that rebuilding the same reports ranks them the same (the index workers take
        reports in whatever order they come free, and record numbers follow)."""
        if self._ties is None:
            columns = self._facet_columns()
            codes = columns.doc_code
            rank = np.empty(len(columns.doc_names), np.int64)
            rank[np.argsort(columns.doc_names, kind="stable")] = np.arange(len(rank))
            numbers = np.arange(len(codes), dtype=np.int64)
            first = np.full(len(rank), len(codes), np.int64)
            np.minimum.at(first, codes, numbers)  # a report's records are written together
            self._ties = rank[codes] * len(codes) + (numbers - first[codes])
        return self._ties

    def _facets(self, docnums: np.ndarray, size: int) -> dict[str, list[dict]]:
        found = facets(self._facet_columns(), docnums, size, self.labels())
        names = self._doc_names()
        for item in found["doc"]:
            item["file_name"] = names.get(item["value"], {}).get("file_name", "")
        return found

    def needles(self, text: str) -> tuple[list[str], list[str]]:
        """What a query highlights (normalised, whitespace-free), for marking a whole document:
        its words and phrases, and, when its search goes on with the inner words of its long
        words (公款 of 公款吃喝: few matches), those inner words, which mark a paragraph that
        holds none of the first. 乡村振兴 is everywhere: its search never goes on with 乡村
        alone, and 乡村 alone is not marked."""
        parsed = parse_query(text)
        plan = self._plan(parsed)
        if not plan.loose_needles or not parsed.groups:
            return plan.needles, []
        widened = self._found(plan, 1, None, self._is_doc)[1]
        return plan.needles, plan.loose_needles if widened else []

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Queries close to ``text`` that find something with every term (for "did you mean"):
        mistyped terms corrected, else only the terms that match. A word is corrected only if
        it has CORRECT_MIN_CHARS or more, and the work is bounded (see SUGGEST_MAX_*)."""
        parsed = parse_query(text)
        clauses = list(dict.fromkeys(parsed.positive))
        if len(text) > SUGGEST_MAX_CHARS or not clauses or len(clauses) > SUGGEST_MAX_TERMS:
            return []
        found = {c: self._finds(shown(c)) for c in clauses}
        words: dict[str, bool | None] = {}  # distinct words of the terms that found nothing
        for clause in clauses:
            if not found[clause] and not clause.phrase:
                words.update(dict.fromkeys(word_terms(self._analyzer, clause.text)))
        for word in list(words)[:SUGGEST_MAX_TERMS]:
            words[word] = self._finds(word)
        corrector = self._searcher.corrector(f.BODY)

        def corrected(word: str) -> list[str]:
            if len(word) < CORRECT_MIN_CHARS:
                return []
            better = corrector.suggest(word, limit=2, maxdist=1)
            return sorted(better, key=lambda b: len(b) != len(word))  # a typo before a cut

        options: dict[Clause, list[str]] = {}  # replacements for each term that found nothing
        for clause in [c for c in clauses if not found[c]][:SUGGEST_MAX_TERMS]:
            if clause.phrase:  # the phrase corrected, or its words not necessarily side by side
                better = corrected(normalize(clause.text))
                options[clause] = [*(f'"{b}"' for b in better), clause.text]
                continue
            terms = word_terms(self._analyzer, clause.text)
            mine = corrected(normalize(clause.text))  # a word jieba cut apart: 户户痛 -> 户户通
            for word in dict.fromkeys(terms):
                if words.get(word) is False:  # past the cap (None): left as typed
                    mine += ["".join(b if w == word else w for w in terms)
                             for b in corrected(word)]
            kept = [w for w in terms if words.get(w)]
            if kept and len(kept) < len(terms):
                mine.append(" ".join(kept))  # keep the words that do match
            options[clause] = list(dict.fromkeys(mine))

        def query(choice: dict[Clause, str | None]) -> str:
            groups = []
            for group in parsed.groups:
                texts = [shown(c) if found.get(c, True) else choice.get(c) for c in group]
                texts = list(dict.fromkeys(t for t in texts if t))
                if texts:
                    groups.append(" OR ".join(texts))
            groups += ["-" + shown(c) for c in parsed.excluded]
            groups += [f"{name}:{v}" for name, values in parsed.filters.items() for v in values]
            return " ".join(dict.fromkeys(groups))

        candidates = [query({c: alts[0] for c, alts in options.items() if alts})]
        for clause, alts in options.items():
            best = {c: a[0] for c, a in options.items() if a}
            candidates += [query({**best, clause: alt}) for alt in alts[1:]]
        if any(found.values()):
            candidates.append(query({}))  # only the terms that match
        longest = self.settings["search.max_query_length"]
        out: list[str] = []
        tried = 0
        for candidate in dict.fromkeys(candidates):
            if not candidate.strip() or candidate == text or len(candidate) > longest:
                continue
            if tried == SUGGEST_MAX_CHECKS or len(out) == limit:
                break
            tried += 1
            if self._finds(candidate):
                out.append(candidate)
        return out

    def _finds(self, text: str) -> bool:
        """Whether some paragraph matches every term of ``text`` (no relaxing)."""
        parsed = parse_query(text)
        plan = self._plan(parsed)
        if plan.required is None:
            return False
        parts = [plan.required, *plan.filters]
        ids = self._evaluator.ids(parts[0] if len(parts) == 1 else wq.And(parts))
        mask = self._doc_mask
        if plan.excluded is not None:
            mask = np.union1d(mask, self._evaluator.ids(plan.excluded))
        return bool(len(np.setdiff1d(ids, mask, assume_unique=True)))

    def documents(self, under: str | os.PathLike | None = None) -> list[dict]:
        """Every document's summary; with ``under``, only those whose file lies in that
        folder (the uploads)."""
        sources = self._source_roots()
        records = self._doc_records()
        if under is not None:
            root = _folder(os.path.abspath(under))  # as the indexer records paths: not resolved
            records = [d for d in records if d[f.PATH].startswith(root)]
        return [_doc_summary(d, sources) for d in records]

    def _source_roots(self) -> list[str]:
        """The sources, each ending in a separator, to show document paths relative to them."""
        return [_folder(s) for s in self.source_paths()]

    def document(self, doc_id: str) -> dict:
        """Metadata, outline and every paragraph of one document."""
        records = list(self._searcher.documents(**{f.DOC_ID: doc_id}))
        meta = next((r for r in records if r[f.KIND] == f.KIND_DOC), None)
        if meta is None:
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        paras = sorted((r for r in records if r[f.KIND] == f.KIND_PARA),
                       key=lambda r: r[f.PARAGRAPH])
        out = _doc_summary(meta, self._source_roots())
        out["sections"] = [
            {"paragraph": n, "level": level, "number": no, "heading": text}
            for n, level, no, text in meta[f.OUTLINE]
        ]
        out["paragraphs"] = [
            {"paragraph": r[f.PARAGRAPH], "text": r[f.TEXT], "section_path": r[f.SECTION_PATH],
             "section_number": r.get(f.SECTION_NO, ""), "level": r.get(f.LEVEL),
             "start": r[f.START], "end": r[f.END], "page": r.get(f.PAGE)}
            for r in paras
        ]
        return out

    def path_of(self, doc_id: str) -> str:
        """The absolute path a document was read from."""
        meta = self._searcher.document(**{f.DOC_ID: doc_id, f.KIND: f.KIND_DOC})
        if meta is None:
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        return meta[f.PATH]

    def original(self, doc_id: str) -> Path:
        """The file a document was read from, only where it lies inside one of the index's
        sources (a record cannot send the server's other files) and is still there."""
        path = Path(os.path.realpath(self.path_of(doc_id)))
        roots = [Path(os.path.realpath(s)) for s in self.source_paths()]
        if not any(path == r or path.is_relative_to(r) for r in roots) or not path.is_file():
            raise DocumentNotFoundError(f"the original file of {doc_id!r} is no longer there")
        return path

    def _count(self, kind: str) -> int:
        # A search, not doc_frequency: that would still count deleted records.
        return len(self._searcher.search(wq.Term(f.KIND, kind), limit=1, scored=False))

    def _sources(self) -> list[dict]:
        """Each source, whether it is still there, and its documents (counted once per
        generation: /api/health asks for the status on every call)."""
        sources = self.source_paths()  # first: a changed meta.json resets the counts
        if self._source_counts is None:
            paths = [d[f.PATH] for d in self._doc_records()]
            self._source_counts = {s: sum(p == s or p.startswith(inside) for p in paths)
                                   for s in sources for inside in [_folder(s)]}
        configured = {os.path.abspath(p) for p in self.settings["index.folders"]}
        return [{"path": s, "configured": s in configured, "exists": os.path.exists(s),
                 "documents": n} for s, n in self._source_counts.items()]

    def status(self) -> dict:
        gen_dir = store.current_dir(self.root)
        meta = store.read_meta(gen_dir)
        return {
            "index": str(self.root.absolute()),
            "documents": self._count(f.KIND_DOC),
            "paragraphs": self._count(f.KIND_PARA),
            "size_bytes": sum(p.stat().st_size for p in gen_dir.iterdir() if p.is_file()),
            "schema_version": meta.get("schema_version"),
            "sources": self._sources(),
            "generation": self._generation,
            "created_at": meta.get("created_at"),
            "updated_at": meta.get("updated_at"),
        }


def shown_path(path: str, sources: list[str]) -> str:
    """``path`` relative to the source folder holding it (the deepest), never the server's
    absolute path; a source that is the file itself, or none holding it: the file name.
    Paths are absolute and normalised (os.path.abspath, as the indexer records them), sources
    end in a separator (``_folder``): string prefixes, as PurePath.relative_to took 40 µs a
    report and the list of 2,000 reports 80 ms.

    >>> shown_path("/srv/reports/2026/x.txt", ["/srv/", "/srv/reports/"])
    '2026/x.txt'
    >>> shown_path("/srv/reports/x.txt", ["/srv/reports/x.txt/", "/srv/rep/"])
    'x.txt'
    """
    inside = [path[len(s):] for s in sources if path.startswith(s)]
    return min(inside, key=len) if inside else os.path.basename(path)


def _folder(path: str) -> str:
    """``path`` ending in one separator: a prefix of exactly the paths inside it."""
    return path.rstrip(os.sep) + os.sep


def _doc_summary(record: dict, sources: list[str]) -> dict:
    years = [int(y) for y in record[f.YEARS].split(",") if y]
    return {
        "doc_id": record[f.DOC_ID], "title": record[f.TITLE], "years": years,
        "file_name": os.path.basename(record[f.PATH]),
        "path": shown_path(record[f.PATH], sources), "paragraph_count": record[f.PARAGRAPH_COUNT],
        "indexed_at": record[f.INDEXED_AT], "content_hash": record[f.CONTENT_HASH],
        "size": record[f.SIZE], "format": record.get(f.FORMAT, "txt"),
    }
