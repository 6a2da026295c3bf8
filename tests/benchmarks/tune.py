"""The product's ranking on the tuning sets, fast enough to try a change in a minute.

    .venv/bin/python tests/benchmarks/tune.py [--work DIR] [--peers] [--per-query] [SET ...]

SET is a judgments file (default: judgments.yaml and tune2/ to tune5/: the tuning sets).
Indexes are built once into ``--work`` (default /tmp/report-search-tune) and reused while the
schema and the corpus stay the same, so a query-time change costs only the searches. With
``--peers`` the best simple peer (fts5-jieba-or) is scored beside it, or ``--peer NAME`` (repeatable)
any engine of run.py. Never pass the blind set
here while tuning: it is for evaluation (run.py --relevance-only).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

import paragraphs  # noqa: E402
import relevance  # noqa: E402
import run  # noqa: E402
from product import Product  # noqa: E402

from indexer.schema import SCHEMA_VERSION  # noqa: E402

SETS = [HERE / "judgments.yaml", *(HERE / name / "judgments.yaml" for name in relevance.TUNING_SETS)]
PEER = "fts5-jieba-or"


def _product(corpus: str, work: Path) -> Product:
    folder = relevance.CORPORA[corpus]
    where = work / f"product-{corpus}-v{SCHEMA_VERSION}"
    engine = Product()
    if not where.exists():
        engine.build(folder, where)
    engine.open(folder, where)
    return engine


def _peer(name: str, corpus: str, work: Path):
    folder = relevance.CORPORA[corpus]
    where = work / f"{name}-{corpus}"
    shutil.rmtree(where, ignore_errors=True)  # quick to build; no stale database to trust
    where.mkdir(parents=True)
    return run.built_here(name, folder, paragraphs.load(folder), where)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/report-search-tune"))
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--peer", action="append", default=[], choices=run.ENGINES[1:])
    ap.add_argument("--per-query", action="store_true")
    args = ap.parse_args(argv)
    sets = [s for s in (args.sets or SETS) if s.exists()]
    for path in sets:
        judged = relevance.load_judgments(path)
        corpora = sorted({j.corpus for j in judged})
        engines = {"product": {c: _product(c, args.work) for c in corpora}}
        for name in dict.fromkeys([PEER] * args.peers + args.peer):
            engines[name] = {c: _peer(name, c, args.work) for c in corpora}
        scored = {name: relevance.evaluate(lambda c, q, b=by: b[c].search(q, 10), judged)
                  for name, by in engines.items()}
        print(f"{path.resolve().relative_to(HERE)} ({len(judged)} queries): " + "; ".join(
            f"{name} nDCG@10 {s['ndcg@10']:.3f} MRR {s['mrr']:.3f}" for name, s in scored.items()))
        if args.per_query:
            rows = zip(*[s["queries"] for s in scored.values()], strict=True)
            for row in rows:
                print(f"  {row[0]['query']:<24} " + " ".join(f"{r['ndcg']:.3f}" for r in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
