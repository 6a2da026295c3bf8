"""The blind judged set, TREC style: pool every engine's top 20, hide who found what, judge.

    .venv/bin/python tests/benchmarks/blind/pool.py pool      # -> pool.jsonl, runs.json
    (judges grade pool.jsonl into grades.jsonl: {"query", "id", "grade"} per line)
    .venv/bin/python tests/benchmarks/blind/pool.py collect   # -> judgments.yaml

``queries.yaml`` was written from the reports before any engine ran on them. ``pool.jsonl``
lists, per query, the union of every engine's top ``DEPTH`` paragraphs in a shuffled order,
without engine names; ``runs.json`` (who returned what) is for the record and never shown to a
judge. ``judgments.yaml`` is in ``relevance.py``'s format (document and a fragment of the text
that names one paragraph), so ``run.py --judgments tests/benchmarks/blind/judgments.yaml`` scores
every engine on it. This set is for evaluation only: ranking is tuned on ``../judgments.yaml``.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[2])]

import paragraphs  # noqa: E402
import relevance  # noqa: E402
import run  # noqa: E402
import yaml  # noqa: E402

from indexer.analysis import squeeze  # noqa: E402

CORPUS = "wikisource_gwr"
DEPTH = 20  # results pooled from each engine
SEED = 20261126


def pool() -> None:
    queries = yaml.safe_load((HERE / "queries.yaml").read_text("utf-8"))
    folder = relevance.CORPORA[CORPUS]
    paras = paragraphs.load(folder)
    by_key = {p.key: p for p in paras}
    runs: dict[str, dict[str, list[str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in run.ENGINES:
            workdir = Path(tmp) / name
            workdir.mkdir()
            engine = run.built_here(name, folder, paras, workdir)
            runs[name] = {q["query"]: engine.search(q["query"], DEPTH) for q in queries}
    rng = random.Random(SEED)
    with (HERE / "pool.jsonl").open("w", encoding="utf-8") as out:
        for q in queries:
            keys = sorted({key for found in runs.values() for key in found[q["query"]]})
            rng.shuffle(keys)
            candidates = [{"id": f"{n:03d}", "doc": by_key[k].doc, "title": by_key[k].title,
                           "section": by_key[k].section, "text": by_key[k].text}
                          for n, k in enumerate(keys)]
            out.write(json.dumps({"query": q["query"], "need": q["need"],
                                  "candidates": candidates}, ensure_ascii=False) + "\n")
    (HERE / "runs.json").write_text(json.dumps(runs, ensure_ascii=False, indent=1), "utf-8")


def _fragment(text: str, others: list[str]) -> str:
    """The shortest prefix-anchored piece of ``text`` found in no other paragraph of its report."""
    plain = squeeze(text)
    for size in range(8, len(plain) + 1, 4):
        for start in range(0, max(1, len(plain) - size + 1), max(1, size // 2)):
            piece = plain[start:start + size]
            if not any(piece in squeeze(o) for o in others):
                return piece
    return plain


def collect() -> None:
    pooled = [json.loads(line) for line in (HERE / "pool.jsonl").open(encoding="utf-8")]
    grades = {}
    for line in (HERE / "grades.jsonl").open(encoding="utf-8"):
        if line.strip():
            g = json.loads(line)
            grades[(g["query"], g["id"])] = int(g["grade"])
    by_doc: dict[str, list[paragraphs.Para]] = {}
    for p in paragraphs.load(relevance.CORPORA[CORPUS]):
        by_doc.setdefault(p.doc, []).append(p)
    entries = []
    for q in pooled:
        relevant = []
        for c in q["candidates"]:
            grade = grades.get((q["query"], c["id"]))
            if grade is None:
                raise SystemExit(f"no grade for {q['query']!r} candidate {c['id']}")
            if grade <= 0:
                continue
            same = [p.number for p in by_doc[c["doc"]] if p.text == c["text"]]
            if len(same) > 1:  # the same text twice in a report: no fragment tells them apart
                relevant += [{"doc": c["doc"], "paragraph": n, "grade": grade} for n in same]
                continue
            others = [p.text for p in by_doc[c["doc"]] if p.text != c["text"]]
            relevant.append({"doc": c["doc"], "fragment": _fragment(c["text"], others),
                             "grade": grade})
        entries.append({"query": q["query"], "corpus": CORPUS, "note": q["need"],
                        "relevant": relevant})
    # A query no engine found anything relevant for says nothing about any of them (TREC
    # leaves such topics out too); it is named here, not scored.
    unscored = [e["query"] for e in entries if not e["relevant"]]
    entries = [e for e in entries if e["relevant"]]
    header = ("# Blind judged set (tests/benchmarks/blind/pool.py): the pooled top 20 of every "
              "engine,\n# graded without knowing which engine found what. Evaluation only.\n"
              f"# Left out, nothing relevant in the pool: {', '.join(unscored) or 'none'}\n")
    (HERE / "judgments.yaml").write_text(
        header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100), "utf-8")


if __name__ == "__main__":
    {"pool": pool, "collect": collect}[sys.argv[1]]()
