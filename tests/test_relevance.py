"""The judged relevance set resolves, the metrics score as defined, and the product scores at
least a little below what it scores today on the judged queries of both corpora."""

import sys
from pathlib import Path

import pytest
import yaml

from conftest import make_settings
from indexer.analysis import squeeze
from indexer.search import IndexReader
from indexer.writer import index_reports

# relevance.py lives with the benchmark scripts and imports its sibling `paragraphs` by name.
sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
import relevance  # noqa: E402


@pytest.fixture(scope="module")
def judged():
    return relevance.load_judgments()


def test_judgments_resolve_and_cover_both_corpora(judged):
    assert len(judged) >= 30
    assert {j.corpus for j in judged} == {"seeds", "prov2026"}
    for j in judged:
        assert 2 in j.grades.values(), f"{j.query!r} has no grade-2 paragraph"
        assert set(j.grades.values()) <= {1, 2}


def test_judgments_fragments_are_short_quotes():
    entries = yaml.safe_load(relevance.JUDGMENTS.read_text("utf-8"))
    for e in entries:
        for r in e["relevant"]:
            assert 8 <= len(r["fragment"]) <= 30, (e["query"], r["fragment"])


def write_judgments(tmp_path, doc, fragment):
    path = tmp_path / "j.yaml"
    path.write_text(yaml.safe_dump([{"query": "q", "corpus": "seeds", "relevant": [
        {"doc": doc, "fragment": fragment, "grade": 2}]}], allow_unicode=True), "utf-8")
    return path


def test_load_judgments_ignores_width_and_spaces(tmp_path):
    # The source has "1219 户“户户通”"; a fragment with full-width digits and no space still matches.
    path = write_judgments(tmp_path, "001_08bf47aa1978b9d7.txt", "１２１９户“户户通”工程")
    assert relevance.load_judgments(path)[0].grades == {"001_08bf47aa1978b9d7.txt#10": 2}


@pytest.mark.parametrize("doc, fragment, message", [
    ("001_08bf47aa1978b9d7.txt", "没有这样一句话的段落", "matches 0 paragraphs"),
    ("001_08bf47aa1978b9d7.txt", "乡村振兴", "matches 3 paragraphs"),
    ("nope.txt", "乡村振兴战略全面实施", "no such document"),
])
def test_load_judgments_rejects_unresolved_fragments(tmp_path, doc, fragment, message):
    with pytest.raises(ValueError, match=message) as info:
        relevance.load_judgments(write_judgments(tmp_path, doc, fragment))
    assert doc in str(info.value) and fragment in str(info.value)


GRADES = {"a": 2, "b": 1, "c": 1}


def test_metrics_perfect_ranking_scores_one():
    assert relevance.ndcg_at(["a", "b", "c", "x"], GRADES) == pytest.approx(1.0)
    assert relevance.reciprocal_rank(["a", "x"], GRADES) == 1.0


def test_metrics_nothing_relevant_scores_zero():
    assert relevance.ndcg_at(["x", "y"], GRADES) == 0.0
    assert relevance.ndcg_at([], GRADES) == 0.0
    assert relevance.reciprocal_rank(["x", "y"], GRADES) == 0.0


def test_metrics_worse_ranking_scores_lower():
    best = relevance.ndcg_at(["a", "b", "c"], GRADES)
    swapped = relevance.ndcg_at(["b", "a", "c"], GRADES)
    late = relevance.ndcg_at(["x"] * 10 + ["a"], GRADES)  # beyond the cut-off of 10
    assert best > swapped > 0 and late == 0.0
    assert relevance.reciprocal_rank(["x", "x", "c"], GRADES) == pytest.approx(1 / 3)


def test_evaluate_averages_queries():
    judged = [relevance.Judged("q1", "seeds", {"a": 2}), relevance.Judged("q2", "seeds", {"b": 2})]
    report = relevance.evaluate(lambda corpus, query: ["a"], judged)
    assert report["ndcg@10"] == pytest.approx(0.5) and report["mrr"] == pytest.approx(0.5)
    assert [(q["query"], q["rr"]) for q in report["queries"]] == [("q1", 1.0), ("q2", 0.0)]


# Floors 0.05 below the product's figures when they were set (rounded down), so a change that
# makes ranking clearly worse fails, and noise from tie-breaking does not. Figures then:
#   seeds     17 queries  nDCG@10 0.844  MRR 0.971   (graded matching; 0.747 before)
#   prov2026  23 queries  nDCG@10 0.725  MRR 0.967   (0.675 before)
#   tune2     41 queries  nDCG@10 0.785  MRR 1.000   (pooled, judged blind; prov2026)
#   tune3     42 queries  nDCG@10 0.786  MRR 0.976   (pooled, judged blind; wikisource_gwr)
#   tune4     47 queries  nDCG@10 0.845  MRR 1.000   (as tune3, in the blind set's mix of kinds)
#   tune5     29 queries  nDCG@10 0.702  MRR 0.908   (everyday wording; grown thesaurus)
# (seeds 0.856 / 1.000 and prov2026 0.744 / 0.967 after BM25's B 0.5, K1 2.0 and feedback.)
# Raise a floor when the product gets better; lower one only with the reason in the commit.
FLOORS = {"seeds": {"ndcg@10": 0.80, "mrr": 0.95}, "prov2026": {"ndcg@10": 0.69, "mrr": 0.91},
          "tune2": {"ndcg@10": 0.72, "mrr": 0.95}, "tune3": {"ndcg@10": 0.73, "mrr": 0.92},
          "tune4": {"ndcg@10": 0.75, "mrr": 0.95}, "tune5": {"ndcg@10": 0.65, "mrr": 0.85}}


def _corpus_reader(tmp_path_factory, corpus: str, reports: int):
    """An index of ``corpus`` with the default settings, as the benchmark builds the product's."""
    base = tmp_path_factory.mktemp(corpus)
    settings = make_settings(base / "index", [relevance.CORPORA[corpus]])
    assert index_reports(settings).added == reports
    reader = IndexReader(settings)
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def prov2026_reader(tmp_path_factory):
    yield from _corpus_reader(tmp_path_factory, "prov2026", 31)


def score_product(reader, judged, corpus):
    """The product's report on ``corpus``'s judged queries, searching as the benchmark does."""
    files = {d["doc_id"]: Path(d["path"]).name for d in reader.documents()}

    def search(_corpus, query):
        hits = reader.search(query, size=relevance.DEPTH).results
        return [f"{files[h.doc_id]}#{h.paragraph}" for h in hits]

    return relevance.evaluate(search, [j for j in judged if j.corpus == corpus])


def assert_above_floors(report, corpus, floors=None):
    floors = floors or FLOORS[corpus]
    scores = {k: round(report[k], 3) for k in floors}
    worst = sorted((round(q["ndcg"], 3), q["query"]) for q in report["queries"])[:5]
    for key, floor in floors.items():
        assert report[key] >= floor, (corpus, scores, "worst queries:", worst)


def test_product_scores_on_seed_queries(seeds_reader, judged):
    report = score_product(seeds_reader, judged, "seeds")
    assert_above_floors(report, "seeds")


def test_product_scores_on_prov2026_queries(prov2026_reader, judged):
    report = score_product(prov2026_reader, judged, "prov2026")
    assert_above_floors(report, "prov2026")


@pytest.fixture(scope="module")
def wikisource_reader(tmp_path_factory):
    yield from _corpus_reader(tmp_path_factory, "wikisource_gwr", 88)


def test_product_scores_on_the_second_tuning_set(prov2026_reader):
    """tests/benchmarks/tune2/: pooled from every engine and judged blind, so its judgments owe
    nothing to the product's ranking."""
    tune2 = relevance.load_judgments(relevance.HERE / "tune2" / "judgments.yaml")
    assert len(tune2) >= 40 and {j.corpus for j in tune2} == {"prov2026"}
    report = score_product(prov2026_reader, tune2, "prov2026")
    assert_above_floors(report, "prov2026", FLOORS["tune2"])


def test_product_scores_on_the_third_tuning_set(wikisource_reader):
    """tests/benchmarks/tune3/: made as tune2, on the national reports."""
    tune3 = relevance.load_judgments(relevance.HERE / "tune3" / "judgments.yaml")
    assert len(tune3) >= 40 and {j.corpus for j in tune3} == {"wikisource_gwr"}
    report = score_product(wikisource_reader, tune3, "wikisource_gwr")
    assert_above_floors(report, "wikisource_gwr", FLOORS["tune3"])


def test_product_scores_on_the_fourth_tuning_set(wikisource_reader):
    """tests/benchmarks/tune4/: made as tune3, in the blind set's mix of kinds of query."""
    tune4 = relevance.load_judgments(relevance.HERE / "tune4" / "judgments.yaml")
    assert len(tune4) >= 40 and {j.corpus for j in tune4} == {"wikisource_gwr"}
    report = score_product(wikisource_reader, tune4, "wikisource_gwr")
    assert_above_floors(report, "wikisource_gwr", FLOORS["tune4"])


def test_product_scores_on_the_everyday_wording_set(wikisource_reader):
    """tests/benchmarks/tune5/: everyday words for what the reports say officially (堵车, 贪官,
    房子 太贵), pooled with the product under the grown thesaurus too (0.608 before it)."""
    tune5 = relevance.load_judgments(relevance.HERE / "tune5" / "judgments.yaml")
    assert len(tune5) >= 25 and {j.corpus for j in tune5} == {"wikisource_gwr"}
    report = score_product(wikisource_reader, tune5, "wikisource_gwr")
    assert_above_floors(report, "wikisource_gwr", FLOORS["tune5"])


def test_the_blind_set_resolves_and_shares_no_query_with_a_tuning_set():
    """tests/benchmarks/blind/: evaluation only. tune3 reads the same reports, with queries
    written apart from the blind set's (told only which topics to leave alone)."""
    blind = relevance.load_judgments(relevance.HERE / "blind" / "judgments.yaml")
    assert len(blind) >= 40 and all(j.grades for j in blind)
    assert {j.corpus for j in blind} == {"wikisource_gwr"}
    tuning = relevance.load_judgments() + [
        j for name in relevance.TUNING_SETS
        for j in relevance.load_judgments(relevance.HERE / name / "judgments.yaml")]
    same_reports = {squeeze(j.query) for j in tuning if j.corpus == "wikisource_gwr"}
    assert same_reports and not {squeeze(j.query) for j in blind} & same_reports
