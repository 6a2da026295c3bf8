"""indexer.matching against Whoosh itself: the same matches with the same scores, for the query
trees the search builds, on an index of several segments with deleted records."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import collectors
from whoosh import query as wq

from conftest import SEEDS, make_settings
from indexer import matching, ranking
from indexer import schema as f
from indexer.matching import GROUP, Evaluator, Matches, grade
from indexer.query import parse_query
from indexer.search import IndexReader, QueryPlan
from indexer.writer import index_reports

# Every kind of clause: words (one, two or more characters; stop words), phrases, synonyms,
# OR, exclusion, filters, headings, a title word, Latin letters and numbers, nothing found.
QUERIES = [
    "乡村振兴", "振兴", "镇", '"镇"', '"户户通"', '"乡村振兴战略"', "疫情", "扶贫 产业",
    "乡村振兴 户户通", "招商 OR 引资", "户户通 OR 独角兽 OR 疫情", "经济 -农业", '"农业" -"经济"',
    "的", "工作总结", "2020", "GDP", "X", "一是", "基层 党建 工作 发展 群众", "发展 year:2021",
    "section:招商引资", "doc:nothing 乡村", "不存在的词语组合", "-农业", '"人居环境整治"',
]
WORDS = ["乡村", "振兴", "发展", "经济", "镇", "村", "工作", "产业", "户户通", "招商", "疫情",
         "扶贫", "党建", "人居环境", "的", "2021", "GDP", "OR", "-", '"']


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """The seeds indexed, then two reports changed and one removed: several segments, and
    records deleted in the first."""
    base = tmp_path_factory.mktemp("matching")
    folder = base / "reports"
    folder.mkdir()
    files = sorted(SEEDS.glob("*.txt"))
    for path in files:
        (folder / path.name).write_bytes(path.read_bytes())
    settings_ = make_settings(base / "ix", [folder])
    index_reports(settings_)
    first, second, third = (folder / p.name for p in files[:3])
    first.write_text(first.read_text("utf-8") + "\n新增段落：推进乡村振兴，户户通全覆盖。\n", "utf-8")
    second.write_text(second.read_text("utf-8").replace("发展", "发 展", 3), "utf-8")
    index_reports(settings_)
    third.unlink()
    index_reports(settings_)
    r = IndexReader(settings_)
    segments = [s.reader() for s, _ in r._searcher.leaf_searchers()]
    assert len(segments) > 1 and any(s.has_deletions() for s in segments)
    yield r
    r.close()


@pytest.fixture(scope="module")
def long_reader(tmp_path_factory):
    """Terms in thousands of records, so their postings span many blocks (Whoosh writes 128 per
    block) and a phrase's rarer term lets the others skip blocks; one file changed afterwards."""
    base = tmp_path_factory.mktemp("matching-long")
    folder = base / "reports"
    folder.mkdir()
    for n in range(3):
        lines = [f"某县20{20 + n}年工作总结", "一、经济发展"]
        for i in range(700):
            rare = "建设白鹭湾示范点，" if (i * 7 + n) % 131 == 0 else ""
            lines.append(f"第{i}项：推进经济发展，{rare}完善基础设施{i % 9}号工程，群众满意{i % 5}。")
        (folder / f"r{n}.txt").write_text("\n".join(lines) + "\n", "utf-8")
    settings_ = make_settings(base / "ix", [folder])
    index_reports(settings_)
    changed = folder / "r1.txt"
    changed.write_text(changed.read_text("utf-8").replace("推进经济发展", "推进经济 发展", 40), "utf-8")
    index_reports(settings_)
    r = IndexReader(settings_)
    yield r
    r.close()


LONG_QUERIES = ['"白鹭湾示范点"', '"经济发展"', '"推进经济发展"', '"基础设施3号工程"', '"群众满意4"',
                "白鹭湾 发展", "示范点 -基础设施", '"经济 发展"', "经济发展 群众", "工程 OR 示范点"]


@pytest.mark.parametrize("text", LONG_QUERIES)
def test_long_postings_match_whoosh(long_reader, text):
    reader = long_reader._searcher.reader()
    assert reader.doc_frequency("chars", "经济") > 1000  # many blocks
    evaluator = long_reader._evaluator  # as the search runs it (pair fields known)
    for q in plan_queries(long_reader, text):
        assert_same(evaluator.run(q), whoosh_matches(long_reader._searcher, q))


def whoosh_matches(searcher, q) -> dict[int, float]:
    """Every match and score as Whoosh's collector gives them (nothing skipped or pruned)."""
    top = collectors.TopCollector(limit=10**6, usequality=False, replace=0)
    searcher.search_with_collector(q, top)
    return {hit.docnum: hit.score for hit in top.results()}


def assert_same(found: Matches, expected: dict[int, float]) -> None:
    assert list(found.ids) == sorted(expected)
    for docnum, score in zip(found.ids.tolist(), found.scores.tolist(), strict=True):
        assert math.isclose(score, expected[docnum], rel_tol=1e-9, abs_tol=1e-12), docnum


def plan_queries(reader, text: str) -> list[wq.Query]:
    plan = QueryPlan(parse_query(text), reader._analyzer, reader._synonyms)
    queries = [plan.scoring_query()]
    if plan.excluded is not None:
        queries.append(plan.excluded)
    if plan.filter_query() is not None:
        queries.append(plan.filter_query())
    if len(plan.units) > 1:  # what partial matches come from: any unit
        queries.append(wq.Or(plan.units))
    return queries


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_are_whoosh_s(reader, text):
    evaluator = reader._evaluator
    for q in plan_queries(reader, text):
        assert_same(evaluator.run(q), whoosh_matches(reader._searcher, q))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join))
def test_generated_queries_match_whoosh(reader, text):
    evaluator = reader._evaluator
    for q in plan_queries(reader, text):
        assert_same(evaluator.run(q), whoosh_matches(reader._searcher, q))


def test_decoded_postings_are_reused_within_their_byte_budget(reader, monkeypatch):
    """A generation keeps recently scored postings (least recently used out first, within a
    byte budget): a term is decoded once while it stays, and answers are still Whoosh's."""
    decoded = []
    real = matching._postings
    monkeypatch.setattr(matching, "_postings", lambda *a: decoded.append(a[1:3]) or real(*a))
    budget = 96 << 10
    monkeypatch.setattr(matching, "DECODED_BYTES", budget)
    evaluator = Evaluator(reader._searcher, pair_fields=[f.CHARS])
    for text in QUERIES * 2:
        for q in plan_queries(reader, text):
            assert_same(evaluator.run(q), whoosh_matches(reader._searcher, q))
        kept = evaluator._decoded
        assert kept.used == sum(matching._size(v) for v in kept.values()) <= budget
    assert len(set(decoded)) < len(decoded) < 2 * len(set(decoded))  # some, not all, evicted
    evaluator, term = Evaluator(reader._searcher, pair_fields=[f.CHARS]), wq.Term(f.BODY, "乡村振兴")
    decoded.clear()
    first = evaluator.run(term)
    once = len(decoded)
    again = evaluator.run(term, first.ids[::2])  # a filter's records, from what was decoded
    assert once and len(decoded) == once
    assert list(again.ids) == list(first.ids[::2]) and len(first) > 2


@pytest.mark.parametrize("text", LONG_QUERIES + ["-农业", "发展 year:2021"])
@pytest.mark.parametrize("share", [0.002, 0.05, 0.5])
def test_within_is_the_same_as_filtering_afterwards(long_reader, reader, text, share):
    """``within`` (a filter's records) only narrows: what is left has the scores it had."""
    for r in (long_reader, reader):
        evaluator = r._evaluator
        count = r._searcher.doc_count_all()
        rng = np.random.default_rng(len(text))
        within = np.flatnonzero(rng.random(count) < share)
        for q in plan_queries(r, text):
            everything, narrowed = evaluator.run(q), evaluator.run(q, within)
            expected = everything.keep(np.isin(everything.ids, within))
            assert list(narrowed.ids) == list(expected.ids)
            assert np.allclose(narrowed.scores, expected.scores, rtol=1e-9, atol=1e-12)


def test_every_term_field_and_the_kind_field(reader):
    """Fields with lengths (BM25F) and without (ID, KEYWORD: the stored weight)."""
    evaluator = reader._evaluator
    for q in [wq.Term(f.KIND, f.KIND_DOC), wq.Term(f.KIND, f.KIND_PARA), wq.Term(f.YEARS, "2021"),
              wq.Term(f.CHAR, "镇"), wq.Term(f.CHARS, "振兴", boost=0.5),
              wq.Term(f.TITLE_WORDS, "工作"), wq.Term(f.HEADING_WORDS, "招商"),
              wq.Term(f.BODY, "无此词"), wq.Every(), wq.NullQuery]:
        assert_same(evaluator.run(q), whoosh_matches(reader._searcher, q))


def test_top_is_whoosh_s_order_ties_by_record_number():
    found = Matches(np.array([1, 2, 3, 4, 5, 6]), np.array([0.5, 2.0, 0.5, 2.0, 1.0, 0.5]))
    assert found.top(3) == [(2.0, 2), (2.0, 4), (1.0, 5)]
    assert found.top(4) == [(2.0, 2), (2.0, 4), (1.0, 5), (0.5, 1)]
    assert found.top(10) == [(2.0, 2), (2.0, 4), (1.0, 5), (0.5, 1), (0.5, 3), (0.5, 6)]
    assert found.top(0) == []
    ties = np.array([9, 8, 7, 6, 5, 4])  # equal scores by this instead, when given
    assert found.top(4, ties=ties) == [(2.0, 4), (2.0, 2), (1.0, 5), (0.5, 6)]


def test_search_ranks_as_whoosh_s_collector(reader, monkeypatch):
    """The page the search returns is Whoosh's top 10 (one word, no feedback and no count
    factor: nothing rescored)."""
    monkeypatch.setattr(ranking, "FEEDBACK_BOOST", 0.0)
    monkeypatch.setattr(ranking, "COUNT_BOOST", 0.0)
    for text in ["镇", "发展", "户户通", "疫情"]:
        plan = QueryPlan(parse_query(text), reader._analyzer, reader._synonyms)
        top = collectors.TopCollector(limit=10**6, usequality=False, replace=0)
        mask = set(reader._doc_mask.tolist())
        reader._searcher.search_with_collector(plan.scoring_query(),
                                               collectors.FilterCollector(top, None, mask))
        # headings after the paragraphs (graded matching's tiers), in Whoosh's order otherwise
        ranked = sorted(top.results(), key=lambda hit: hit.get(f.LEVEL) is not None)
        expected = [(hit[f.DOC_ID], hit[f.PARAGRAPH]) for hit in ranked][:10]
        page = reader.search(text, size=10)
        assert [(h.doc_id, h.paragraph) for h in page.results] == expected
        assert page.total == len(top.results())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.integers(0, 400), max_size=120), min_size=1, max_size=2 * GROUP + 3),
       st.integers(0, 10**6), st.booleans())
def test_grade_counts_each_record_s_parts(sets, seed, sparse):
    """grade, record by record: the parts it is in, how many are needed, the share of idf they
    hold, the summed score; past GROUP parts (grade's table) and with sparse record numbers."""
    rng = np.random.default_rng(seed)
    scale = 10_000 if sparse else 1  # few records among large numbers: the other summing path
    parts = [Matches(np.array(sorted(s), np.int64) * scale, rng.random(len(s))) for s in sets]
    optional = [bool(b) for b in rng.random(len(parts)) < 0.3]
    records = 5_000
    found, counts, wanted, held = grade(parts, None, records, optional)
    weights = [max(math.log(records / (1 + len(p))), 1e-6) for p in parts]
    expected = {}
    for part, weight, skip in zip(parts, weights, optional, strict=True):
        for docnum, score in zip(part.ids.tolist(), part.scores.tolist(), strict=True):
            e = expected.setdefault(docnum, [0.0, 0, 0, 0.0])
            e[0] += score
            e[1] += 1
            e[2] += not skip
            e[3] += weight
    assert found.ids.tolist() == sorted(expected) and found.scores.dtype == np.float64
    for i, docnum in enumerate(found.ids.tolist()):
        score, count, need, weight = expected[docnum]
        assert math.isclose(found.scores[i], score, rel_tol=1e-9)
        assert (counts[i], wanted[i]) == (count, need)
        assert math.isclose(held[i], weight / sum(weights), rel_tol=1e-9)
