"""The benchmark code on the seeds, small and fast, so it cannot rot unnoticed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))

import corpora  # noqa: E402
import paragraphs  # noqa: E402
import peers  # noqa: E402
import run  # noqa: E402
import scaling  # noqa: E402

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
        out[name] = run.built_here(name, SEEDS, seed_paras, tmp_path_factory.mktemp(name))
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
    assert all(0 < v["seconds"] <= v["max"] for v in seeds["incremental"].values())
    text = run.render(result)
    for heading in ("## seeds", "rebuild s", "p50 / p95", "precision", "× product", "slowest s"):
        assert heading in text


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def two_corpora(tmp_path_factory):
    """The seeds and a generated 1k corpus, two engines, each build in its own process."""
    cache = tmp_path_factory.mktemp("corpora")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(corpora, "CACHE", cache)  # generated here, not into the shared cache
        return run.run_benchmark(["1k", "seeds"], [run.PRODUCT, "fts5-jieba"], queries=3,
                                 repeats=1, http_seconds=0, relevance=False,
                                 workroot=tmp_path_factory.mktemp("work"))


def test_bench_builds_report_cpu_seconds(two_corpora):
    assert two_corpora["errors"] == []
    for corpus in two_corpora["corpora"].values():
        for name, fig in corpus["build"].items():
            assert fig["cpu_seconds"] > 0, name
            # seen from outside: the whole process, start-up included, and what it waited for
            assert fig["process_cpu_seconds"] >= fig["cpu_seconds"], name
    text = run.render(two_corpora)
    for heading in ("CPU s", "CPU × floor", "cores"):
        assert heading in text


def test_bench_scaling_has_a_row_per_corpus_smallest_first(two_corpora):
    rows = two_corpora["scaling"]["rows"]
    assert [r["corpus"] for r in rows] == ["seeds", "1k"]
    assert rows[1]["paragraphs"] >= 1000 > rows[0]["paragraphs"]  # the product parses a few more
    for row in rows:
        assert set(row["engines"]) == {run.FLOOR, run.PRODUCT, "fts5-jieba"}
        assert row["engines"][run.PRODUCT]["cpu_s"] > 0
        assert row["engines"][run.PRODUCT]["index_x_text"] > 0
    assert "slope" not in rows[0]["engines"][run.PRODUCT]
    assert rows[1]["engines"][run.PRODUCT]["slope"]["index_mb"] > 0  # a bigger index
    text = run.render(two_corpora)
    assert "## scaling" in text
    assert "| 1k | 1,0" in text
    assert "| fts5-jieba | seeds → 1k |" in text


def test_bench_scaling_plot_is_a_png(two_corpora, tmp_path):
    path = tmp_path / "scaling.png"
    scaling.plot_scaling(two_corpora["scaling"], path)
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 20_000  # six panels of lines, not an empty canvas


def test_bench_large_corpora_run_the_fast_engines_unless_named():
    assert run.engines_for("10k", None) == (run.ENGINES, [])
    engines, skipped = run.engines_for("1m", None)
    assert engines == [run.PRODUCT, "fts5-jieba"]
    assert set(engines) | set(skipped) == set(run.ENGINES)
    assert run.engines_for("1m", ["whoosh"]) == (["whoosh"], [])


def test_bench_or_peer_ranks_paragraphs_with_some_of_the_words(engines):
    assert engines["fts5-jieba"].search("户户通 量子计算", 5) == []  # AND: nothing has both
    found = engines["fts5-jieba-or"].search("户户通 量子计算", 5)
    assert found and found[:3] == engines["fts5-jieba-or"].search("户户通", 3)


def test_bench_formats_table_has_a_row_per_format(tmp_path):
    """tests/benchmarks/formats.py on one report: every format it can make is read back whole."""
    import subprocess

    out = tmp_path / "formats.md"
    done = subprocess.run([sys.executable, str(Path(__file__).parent / "benchmarks" / "formats.py"),
                           "--reports", "1", "--out", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ") for line in
            out.read_text("utf-8").splitlines()[2:]}
    assert {"txt", "docx"} <= set(rows)
    text_mb = {kind: float(cells[3]) for kind, cells in rows.items()}
    assert all(abs(mb - text_mb["txt"]) <= 0.02 * text_mb["txt"] for mb in text_mb.values()), rows
