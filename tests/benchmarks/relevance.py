"""Judged queries and the two scores every engine in the benchmarks is measured by.

``judgments.yaml`` names each relevant paragraph by its document and a fragment of its text, so
the judgments survive a change in how ids are made; :func:`load_judgments` turns fragments into
the paragraph keys of :mod:`paragraphs` (``"<file name>#<number>"``). An engine is a function
``search(corpus_name, query) -> list of keys, best first``, and :func:`evaluate` scores it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import paragraphs
import yaml

from indexer.analysis import squeeze

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPORA: dict[str, Path] = {
    "seeds": ROOT / "seeds",
    "prov2026": HERE.parent / "corpus" / "prov2026",
    "wikisource_gwr": HERE.parent / "corpus" / "wikisource_gwr",  # the blind set's (blind/)
}
JUDGMENTS = HERE / "judgments.yaml"
# The pooled tuning sets (pool.py), each a folder here: (folder, what it is) for the report.
TUNING_SETS = {"tune2": "prov2026", "tune3": "wikisource_gwr", "tune4": "wikisource_gwr, blind's mix",
               "tune5": "wikisource_gwr, everyday wording"}
DEPTH = 10  # how many results of each ranking are scored


@dataclass
class Judged:
    query: str
    corpus: str
    grades: dict[str, int]  # paragraph key -> 2 (answers it) or 1 (relevant, partial)


@cache
def _paragraphs_by_doc(corpus: str) -> dict[str, list[paragraphs.Para]]:
    by_doc: dict[str, list[paragraphs.Para]] = {}
    for p in paragraphs.load(CORPORA[corpus]):
        by_doc.setdefault(p.doc, []).append(p)
    return by_doc


def _resolve(query: str, corpus: str, doc: str, fragment: str) -> str:
    where = f"query {query!r}, doc {doc!r}, fragment {fragment!r}"
    paras = _paragraphs_by_doc(corpus).get(doc)
    if paras is None:
        raise ValueError(f"{where}: no such document in corpus {corpus!r}")
    # Compare the way phrase search does, so width, case and line breaks do not matter.
    needle = squeeze(fragment)
    found = [p.key for p in paras if needle in squeeze(p.text)]
    if len(found) > 1:  # a whole short paragraph (a heading) that a longer one repeats
        found = [p.key for p in paras if needle == squeeze(p.text)] or found
    if len(found) != 1:
        raise ValueError(f"{where}: matches {len(found)} paragraphs, not exactly one {found}")
    return found[0]


def _numbered(query: str, corpus: str, doc: str, number: int) -> str:
    keys = [p.key for p in _paragraphs_by_doc(corpus).get(doc, []) if p.number == number]
    if len(keys) != 1:
        raise ValueError(f"query {query!r}: no paragraph {number} in {doc!r} ({corpus})")
    return keys[0]


def load_judgments(path: str | Path | None = None) -> list[Judged]:
    """Every judged query, its fragments resolved to paragraph keys; ValueError if one fails."""
    entries = yaml.safe_load(Path(path or JUDGMENTS).read_text("utf-8"))
    out = []
    for e in entries:
        query, corpus = e["query"], e["corpus"]
        if corpus not in CORPORA:
            raise ValueError(f"query {query!r}: unknown corpus {corpus!r}")
        grades: dict[str, int] = {}
        for r in e["relevant"]:
            if "paragraph" in r:  # a text the report holds twice: named by its number
                key = _numbered(query, corpus, r["doc"], int(r["paragraph"]))
            else:
                key = _resolve(query, corpus, r["doc"], r["fragment"])
            if key in grades:
                raise ValueError(f"query {query!r}: {key} is judged twice ({r['fragment']!r})")
            grades[key] = int(r["grade"])
        out.append(Judged(query, corpus, grades))
    return out


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = DEPTH) -> float:
    """Normalised discounted cumulative gain of the first ``k`` results (gain 2**grade - 1).

    >>> ndcg_at(["a", "b"], {"a": 2, "b": 1})
    1.0
    >>> round(ndcg_at(["b", "a"], {"a": 2, "b": 1}), 3)  # (1 + 3/log2 3) / (3 + 1/log2 3)
    0.797
    >>> ndcg_at(["x", "y"], {"a": 2})
    0.0
    """
    def dcg(gains):
        return sum(g / math.log2(i + 2) for i, g in enumerate(gains))

    ideal = dcg(sorted((2**g - 1 for g in grades.values()), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([2 ** grades.get(key, 0) - 1 for key in ranked[:k]]) / ideal


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    """1 / rank of the first relevant result (grade 1 or 2), 0 if there is none.

    >>> reciprocal_rank(["x", "b", "a"], {"a": 2, "b": 1})
    0.5
    >>> reciprocal_rank(["x"], {"a": 2})
    0.0
    """
    for rank, key in enumerate(ranked, 1):
        if grades.get(key, 0) >= 1:
            return 1 / rank
    return 0.0


def evaluate(search: Callable[[str, str], list[str]], judged: list[Judged]) -> dict:
    """Mean nDCG@10 and MRR of ``search`` over ``judged``, with the score of each query."""
    rows = []
    for j in judged:
        ranked = list(search(j.corpus, j.query))[:DEPTH]
        rows.append({"query": j.query, "corpus": j.corpus,
                     "ndcg": ndcg_at(ranked, j.grades), "rr": reciprocal_rank(ranked, j.grades)})
    n = len(rows) or 1
    return {
        "ndcg@10": sum(r["ndcg"] for r in rows) / n,
        "mrr": sum(r["rr"] for r in rows) / n,
        "queries": rows,
    }
