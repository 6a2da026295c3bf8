"""A judged set made TREC style: pool every engine's top 20, hide who found what, judge.

    .venv/bin/python tests/benchmarks/pool.py SET pool      # -> SET/pool.jsonl, SET/runs.json
    (judges grade pool.jsonl into grades.jsonl: {"query", "id", "grade"} per line)
    .venv/bin/python tests/benchmarks/pool.py SET collect   # -> SET/judgments.yaml

    .venv/bin/python tests/benchmarks/pool.py SET pool NAME=CONFIG ...  # and the product so configured

    .venv/bin/python tests/benchmarks/pool.py SET extend    # -> SET/extend.jsonl
    (judges grade extend.jsonl into extend-grades.jsonl, as above)
    .venv/bin/python tests/benchmarks/pool.py SET merge     # -> pool.jsonl, grades.jsonl grown

``extend`` adds to a set judged earlier what today's product ranks in its top ``DEPTH`` and
nobody judged (the pool was made with an older product, and an unjudged paragraph counts as
irrelevant: a bias against every later version). The new paragraphs are shuffled among as many
already judged ones, so that ``merge`` can say how far the new judge agrees with the old ones;
only the new grades are kept.

SET is ``blind`` (wikisource_gwr: evaluation only), ``tune2`` (prov2026) or ``tune3`` to ``tune5``
(wikisource_gwr, queries written apart from the blind set's): tuning sets made the same way, so
that their judgments owe nothing to the product's ranking. For the blind
set, ``queries.yaml`` was written from the reports before any engine ran on them. ``pool.jsonl``
lists, per query, the union of every engine's top ``DEPTH`` paragraphs in a shuffled order,
without engine names; ``runs.json`` (who returned what) is for the record and never shown to a
judge. ``judgments.yaml`` is in ``relevance.py``'s format (document and a fragment of the text
that names one paragraph), so ``run.py --judgments tests/benchmarks/blind/judgments.yaml`` scores
every engine on it. The blind set is for evaluation only: ranking is tuned on ``judgments.yaml`` and
``tune2/``.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

import paragraphs  # noqa: E402
import relevance  # noqa: E402
import run  # noqa: E402
import yaml  # noqa: E402

from indexer.analysis import squeeze  # noqa: E402

SETS = {"blind": "wikisource_gwr", "tune2": "prov2026", "tune3": "wikisource_gwr",
        "tune4": "wikisource_gwr", "tune5": "wikisource_gwr"}  # folder -> corpus
DEPTH = 20  # results pooled from each engine
SEED = 20261126


def pool(where: Path, corpus: str, variants: dict[str, str]) -> None:
    """``variants``: more runs of the product, each under a config file (``search.thesaurus``
    grown, say), so that what a candidate change would find is judged too."""
    queries = yaml.safe_load((where / "queries.yaml").read_text("utf-8"))
    folder = relevance.CORPORA[corpus]
    paras = paragraphs.load(folder)
    by_key = {p.key: p for p in paras}
    runs: dict[str, dict[str, list[str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in run.ENGINES:
            workdir = Path(tmp) / name
            workdir.mkdir()
            engine = run.built_here(name, folder, paras, workdir)
            runs[name] = {q["query"]: engine.search(q["query"], DEPTH) for q in queries}
        for name, config in variants.items():
            engine = run.make_engine(run.PRODUCT)
            os.environ["REPORT_SEARCH_CONFIG"] = str(Path(config).resolve())
            try:
                engine.open(folder, Path(tmp) / run.PRODUCT)  # search settings only: same index
                runs[name] = {q["query"]: engine.search(q["query"], DEPTH) for q in queries}
            finally:
                del os.environ["REPORT_SEARCH_CONFIG"]
    rng = random.Random(SEED)
    with (where / "pool.jsonl").open("w", encoding="utf-8") as out:
        for q in queries:
            keys = sorted({key for found in runs.values() for key in found[q["query"]]})
            rng.shuffle(keys)
            candidates = [{"id": f"{n:03d}", "doc": by_key[k].doc, "title": by_key[k].title,
                           "section": by_key[k].section, "text": by_key[k].text}
                          for n, k in enumerate(keys)]
            out.write(json.dumps({"query": q["query"], "need": q["need"],
                                  "candidates": candidates}, ensure_ascii=False) + "\n")
    (where / "runs.json").write_text(json.dumps(runs, ensure_ascii=False, indent=1), "utf-8")


def extend(where: Path, corpus: str) -> None:
    """extend.jsonl: per query, today's product's unjudged top DEPTH among as many judged."""
    pooled = [json.loads(line) for line in (where / "pool.jsonl").open(encoding="utf-8")]
    folder = relevance.CORPORA[corpus]
    paras = paragraphs.load(folder)
    by_key = {p.key: p for p in paras}
    key_of = {(p.doc, p.text): p.key for p in paras}
    rng = random.Random(SEED + 1)
    with tempfile.TemporaryDirectory() as tmp:
        engine = run.built_here(run.PRODUCT, folder, paras, Path(tmp))
        with (where / "extend.jsonl").open("w", encoding="utf-8") as out:
            for q in pooled:
                have = {key_of[(c["doc"], c["text"])] for c in q["candidates"]}
                new = [k for k in engine.search(q["query"], DEPTH) if k not in have]
                if not new:
                    continue
                first = len(q["candidates"])
                candidates = [{"id": f"{first + n:03d}", "doc": by_key[k].doc,
                               "title": by_key[k].title, "section": by_key[k].section,
                               "text": by_key[k].text} for n, k in enumerate(new)]
                candidates += rng.sample(q["candidates"], min(len(new), len(q["candidates"])))
                rng.shuffle(candidates)
                out.write(json.dumps({"query": q["query"], "need": q["need"],
                                      "candidates": candidates}, ensure_ascii=False) + "\n")


def merge(where: Path) -> None:
    """The new paragraphs of extend.jsonl and their grades into pool.jsonl and grades.jsonl;
    prints how the new judge graded the paragraphs judged before."""
    pooled = [json.loads(line) for line in (where / "pool.jsonl").open(encoding="utf-8")]
    old, new = (_grades(where / name) for name in ("grades.jsonl", "extend-grades.jsonl"))
    by_query = {q["query"]: q for q in pooled}
    added, pairs = [], []
    for line in (where / "extend.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        known = {c["id"] for c in by_query[q["query"]]["candidates"]}
        for c in q["candidates"]:
            grade = new.get((q["query"], c["id"]))
            if grade is None:
                raise SystemExit(f"no grade for {q['query']!r} candidate {c['id']}")
            if c["id"] in known:
                pairs.append((old[(q["query"], c["id"])], grade))
            else:
                by_query[q["query"]]["candidates"].append(c)
                added.append({"query": q["query"], "id": c["id"], "grade": grade})
    if not added:  # every paragraph is in the pool already: merged before
        raise SystemExit(f"nothing to merge: {where / 'extend.jsonl'} is in the pool already")
    with (where / "pool.jsonl").open("w", encoding="utf-8") as out:
        for q in pooled:
            out.write(json.dumps(q, ensure_ascii=False) + "\n")
    with (where / "grades.jsonl").open("a", encoding="utf-8") as out:
        for g in added:
            out.write(json.dumps(g, ensure_ascii=False) + "\n")
    same = sum(a == b for a, b in pairs)
    print(f"{len(added)} paragraphs added; on {len(pairs)} judged before, the new grades agree "
          f"on {same} ({same / max(len(pairs), 1):.0%}), differ by 2 on "
          f"{sum(abs(a - b) == 2 for a, b in pairs)}; mean old {sum(a for a, _ in pairs) / max(len(pairs), 1):.2f}, "
          f"new {sum(b for _, b in pairs) / max(len(pairs), 1):.2f}")


def _grades(path: Path) -> dict[tuple[str, str], int]:
    lines = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return {(g["query"], g["id"]): int(g["grade"]) for g in lines}


def _fragment(text: str, others: list[str]) -> str:
    """The shortest prefix-anchored piece of ``text`` found in no other paragraph of its report."""
    plain = squeeze(text)
    for size in range(8, len(plain) + 1, 4):
        for start in range(0, max(1, len(plain) - size + 1), max(1, size // 2)):
            piece = plain[start:start + size]
            if not any(piece in squeeze(o) for o in others):
                return piece
    return plain


def collect(where: Path, corpus: str) -> None:
    pooled = [json.loads(line) for line in (where / "pool.jsonl").open(encoding="utf-8")]
    grades = _grades(where / "grades.jsonl")
    by_doc: dict[str, list[paragraphs.Para]] = {}
    for p in paragraphs.load(relevance.CORPORA[corpus]):
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
        entries.append({"query": q["query"], "corpus": corpus, "note": q["need"],
                        "relevant": relevant})
    # A query no engine found anything relevant for says nothing about any of them (TREC
    # leaves such topics out too); it is named here, not scored.
    unscored = [e["query"] for e in entries if not e["relevant"]]
    entries = [e for e in entries if e["relevant"]]
    use = "Evaluation only." if where.name == "blind" else "For tuning."
    header = ("# Judged set (tests/benchmarks/pool.py): the pooled top 20 of every engine,\n"
              f"# graded without knowing which engine found what. {use}\n"
              f"# Left out, nothing relevant in the pool: {', '.join(unscored) or 'none'}\n")
    (where / "judgments.yaml").write_text(
        header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100), "utf-8")


if __name__ == "__main__":
    args = sys.argv[1:]
    steps = ("pool", "extend", "merge", "collect")
    if len(args) < 2 or args[0] not in SETS or args[1] not in steps or (
            args[1] != "pool" and len(args) > 2) or not all("=" in a for a in args[2:]):
        raise SystemExit(f"usage: pool.py {{{','.join(SETS)}}} "
                         "{pool [NAME=CONFIG ...],extend,merge,collect}")
    if args[1] == "pool":
        pool(HERE / args[0], SETS[args[0]], dict(a.split("=", 1) for a in args[2:]))
    elif args[1] == "extend":
        extend(HERE / args[0], SETS[args[0]])
    elif args[1] == "merge":
        merge(HERE / args[0])
    else:
        collect(HERE / args[0], SETS[args[0]])
