"""The benchmark code on the seeds, small and fast, so it cannot rot unnoticed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))

import paragraphs  # noqa: E402
import peers  # noqa: E402
import run  # noqa: E402

# jieba.analyse (the textbook peer's ChineseAnalyzer) reads its idf.txt without closing it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in.*jieba.analyse.idf.txt:"
    "pytest.PytestUnraisableExceptionWarning")

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EVERYWHERE = ["疫情", "防控"]  # a word every analyzer keeps whole
JIEBA_PHRASES = ["户户通", "营商环境", "高质量发展"]  # jieba cuts these alike alone and in context
HARD = ["村集体经济", "镇", "脱贫攻坚"]  # cut differently in context, or one character


@pytest.fixture(scope="module")
def seed_paras():
    return paragraphs.load(SEEDS)


@pytest.fixture(scope="module")
def engines(seed_paras, tmp_path_factory):
    """Every peer and the product, built on the seeds."""
    out = {}
    for name in run.ENGINES:
        workdir = tmp_path_factory.mktemp(name)
        engine = run.make_engine(name)
        if name == run.PRODUCT:
            engine.build(SEEDS, workdir)
            engine.open(SEEDS, workdir)
        else:
            engine.build(seed_paras, workdir)
        out[name] = engine
    return out


def test_bench_phrases_match_the_substring_scan(engines):
    truth = engines["substring"]
    expected = {
        "whoosh": EVERYWHERE,
        "fts5-jieba": EVERYWHERE + JIEBA_PHRASES,
        "tantivy": EVERYWHERE + JIEBA_PHRASES,
        "fts5-trigram": EVERYWHERE + JIEBA_PHRASES + HARD,
        run.PRODUCT: EVERYWHERE + JIEBA_PHRASES + HARD,
    }
    for name, phrases in expected.items():
        for phrase in phrases:
            assert truth.all_matches(phrase), phrase
            assert engines[name].all_matches(phrase) == truth.all_matches(phrase), (name, phrase)


def test_bench_search_names_results_by_paragraph_key(engines, seed_paras):
    keys = {p.key for p in seed_paras}
    for name, engine in engines.items():
        found = engine.search("乡村振兴 产业", 5)
        assert found and set(found) <= keys, name


def test_bench_parse_query_splits_words_and_phrases():
    assert peers.parse_query('疫情 "高质量 发展" 镇') == [
        ("疫情", False), ("高质量 发展", True), ("镇", False)]


def test_bench_run_reports_every_figure(tmp_path):
    result = run.run_benchmark(["seeds"], queries=3, repeats=1, http_seconds=0,
                               relevance=False, isolate=False, workroot=tmp_path)
    assert result["errors"] == []
    seeds = result["corpora"]["seeds"]
    assert set(seeds) >= {"build", "latency", "phrases", "incremental", "queries", "paragraphs"}
    assert set(seeds["build"]) == {run.FLOOR, *run.ENGINES}
    assert set(seeds["latency"]) == set(run.KINDS)
    assert all(set(seeds["latency"][k]) == set(run.ENGINES) for k in run.KINDS)
    assert seeds["phrases"][run.PRODUCT].keys() >= {"precision", "recall", "exact"}
    assert set(seeds["incremental"]) == set(run.ENGINES)
    text = run.render(result)
    for heading in ("## seeds", "rebuild s", "p50 / p95", "precision", "× product"):
        assert heading in text
