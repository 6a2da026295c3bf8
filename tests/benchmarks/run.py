"""The product beside its peers, on the same paragraphs, in one run: every figure is a ratio.

    .venv/bin/python tests/benchmarks/run.py [--corpora seeds,10k,100k,1m] [--engines ...]
                                             [--json out.json] [--plot scaling.png] [--quick]

Per corpus: rebuild time, wall clock and CPU (the product's workers use every core), against
the jieba floor (one process segmenting every paragraph), peak memory of the indexing process, index size, query latency for four kinds of query, phrase
precision/recall against a substring scan, time until an added document is searchable, and HTTP
load on the product's server. Then nDCG@10/MRR on the judged queries (:mod:`relevance`) and the
targets, met or missed. With several corpora, a scaling table (one row per corpus, the log-log
slope between neighbours) and its plot. The machine is noisy, so engines are timed interleaved and compared
within the run, never against numbers from another day.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import load
import paragraphs
import peers
from builds import build, describe, dir_mb
from corpora import ROOT, corpus_folder, generated_size, make_queries, quiet_jieba
from product import Product
from relevance import TUNING_SETS
from report import FLOOR, KINDS, PRODUCT, render, targets
from scaling import plot_scaling, scaling_table

ENGINES = [PRODUCT, "whoosh", "fts5-jieba", "fts5-jieba-or", "fts5-trigram", "substring",
           "tantivy"]
# Above LARGE paragraphs (the 1m corpus) the other peers would take hours on this machine, and
# the comparison that matters there is the product against the fastest indexed peer.
LARGE, LARGE_ENGINES = 100_000, [PRODUCT, "fts5-jieba"]
# A paragraph appended to a copied report for the incremental test; the query finds only it.
MARKER = "本段为增量索引测试标记内容，用于检验新文件多久可以被检索到。"
MARKER_QUERY = "增量 索引 测试 标记"
ADDS = 3  # reports added one after another, each timed


def make_engine(name):
    return Product() if name == PRODUCT else peers.PEERS[name]()


def built_here(name, folder, paras, workdir):
    """An engine built in this process on ``folder`` (the product reads the files, the peers
    get its ``paras``), ready to search."""
    engine = make_engine(name)
    if name == PRODUCT:
        engine.build(folder, workdir)
        engine.open(folder, workdir)
    else:
        engine.build(paras, workdir)
    return engine


# --- building, each in its own process (builds.py) ----------------------------------------

def build_all(engines, folder, workroot, errors, isolate=True) -> dict:
    """Build every engine (and the floor); the ones that fail are reported in ``errors``."""
    figures = {}
    for name in [FLOOR, *engines]:
        try:
            figures[name] = build(name, folder, None if name == FLOOR else workroot / name,
                                  isolate)
        except Exception as e:
            errors.append(f"{name}: build: {describe(e)}")
    return figures


def open_all(figures, folder, workroot, paras, errors) -> dict:
    """Open every index a build left behind, and note its size in ``figures``."""
    opened = {}
    for name in figures:
        if name == FLOOR:
            continue
        workdir = workroot / name
        try:
            engine = make_engine(name)
            engine.open(folder, workdir) if name == PRODUCT else engine.open(workdir, paras)
            figures[name]["size_mb"] = dir_mb(workdir)
            opened[name] = engine
        except Exception as e:
            errors.append(f"{name}: open: {describe(e)}")
    return opened


# --- measuring -------------------------------------------------------------------------------

def summary_ms(samples: list[float]) -> dict:
    return {"n": len(samples), "p50_ms": load.percentile(samples, 50),
            "p95_ms": load.percentile(samples, 95)}


def time_queries(opened, queries, repeats, errors, budget_s=120.0) -> dict:
    """p50/p95 per kind and engine; engines take turns so noise falls on all of them alike."""
    out = {}
    for kind in KINDS:
        samples = {name: [] for name in opened}
        failed = set()
        for name, engine in opened.items():  # warm-up: caches, lazy loading
            try:
                for q in queries[kind]:
                    engine.search(q, 10)
            except Exception as e:
                failed.add(name)
                errors.append(f"{name}: {kind} query: {describe(e)}")
        spent = Counter()
        for _ in range(repeats):
            for name, engine in opened.items():
                if name in failed or spent[name] > budget_s:
                    continue
                for q in queries[kind]:
                    started = time.perf_counter()
                    engine.search(q, 10)
                    ms = (time.perf_counter() - started) * 1000
                    samples[name].append(ms)
                    spent[name] += ms / 1000
        out[kind] = {name: summary_ms(s) for name, s in samples.items() if name not in failed}
    return out


def phrase_quality(opened, phrases, paras, errors) -> dict:
    """Micro precision/recall of each engine's every match for each phrase, vs substrings.

    Extra matches whose text holds the phrase once folded (traditional characters, full-width
    forms) are counted apart: the product folds on purpose, the literal scan does not.
    """
    from indexer.analysis import normalize

    truth_engine = peers.Substring()
    truth_engine.open(None, paras)
    text_of: dict[str, str] = {}  # filled on the first extra match: references, not copies
    texts = [q.strip('"') for q in phrases]
    truth = {t: truth_engine.all_matches(t) for t in texts}
    out = {}
    for name, engine in opened.items():
        tp = fp = fn = exact = fold = 0
        wrong = []
        started = time.perf_counter()
        try:
            for t in texts:
                got = engine.all_matches(t)
                extra, missing = got - truth[t], truth[t] - got
                tp += len(got & truth[t])
                fp += len(extra)
                fn += len(missing)
                if extra and not text_of:
                    text_of.update((p.key, p.text) for p in paras)
                fold += sum(1 for k in extra if normalize(t) in normalize(text_of.get(k, "")))
                exact += got == truth[t]
                if (extra or missing) and len(wrong) < 5:
                    wrong.append({"phrase": t, "missing": sorted(missing)[:3],
                                  "extra": sorted(extra)[:3], "missing_n": len(missing),
                                  "extra_n": len(extra)})
        except Exception as e:
            errors.append(f"{name}: phrase matches: {describe(e)}")
            continue
        out[name] = {"precision": tp / (tp + fp) if tp + fp else 1.0,
                     "recall": tp / (tp + fn) if tp + fn else 1.0,
                     "extra": fp, "extra_folded": fold, "missing": fn,
                     "exact": exact, "phrases": len(texts),
                     "seconds": time.perf_counter() - started, "wrong": wrong[:5]}
    return out


def incremental(opened, folder, workroot, errors, timeout=120.0, adds=ADDS) -> dict:
    """Seconds from adding one report until a query finds it, per engine: the median of
    ``adds`` reports added one after another (one add is a fraction of a second, and a single
    one swung by a third between runs on this machine), and the slowest."""
    incoming = workroot / "incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    source = sorted(Path(folder).rglob("*.txt"))[0].read_text("utf-8").rstrip()
    news = [incoming / f"zz_incremental_{n}.txt" for n in range(adds)]
    for new in news:
        new.write_text(source + "\n" + MARKER + "\n", "utf-8")
    loaded = paragraphs.load(incoming)
    files = []
    for new in news:
        paras = [p for p in loaded if p.doc == new.name]
        files.append((new, paras, next(p.key for p in paras if MARKER in p.text)))
    out = {}
    for name, engine in opened.items():
        try:
            times = []
            for new, new_paras, key in files:
                started = time.perf_counter()
                engine.add_file(new) if name == PRODUCT else engine.add(new_paras)
                while True:
                    if name == PRODUCT:
                        engine.refresh()
                    if key in engine.search(MARKER_QUERY, 10):
                        break
                    if time.perf_counter() - started > timeout:
                        raise TimeoutError(f"not found after {timeout:.0f} s")
                    time.sleep(0.01)
                times.append(time.perf_counter() - started)
            out[name] = {"seconds": statistics.median(times), "max": max(times)}
        except Exception as e:
            errors.append(f"{name}: incremental: {describe(e)}")
    return out


HERE = Path(__file__).resolve().parent
BLIND = HERE / "blind" / "judgments.yaml"


def relevance_scores(engines, workroot, errors, isolate=True, judgments=None) -> dict:
    """nDCG@10 and MRR of every engine, each built on the judged corpora (of ``judgments``,
    by default judgments.yaml)."""
    try:
        import relevance

        judged = relevance.load_judgments(judgments)
    except Exception as e:
        errors.append(f"relevance: {describe(e)}")
        return {}
    built: dict[str, dict] = {name: {} for name in engines}
    for corpus in sorted({j.corpus for j in judged}):
        folder = relevance.CORPORA[corpus]
        work = workroot / f"rel-{corpus}"
        figures = build_all(engines, folder, work, errors, isolate)
        opened = open_all(figures, folder, work, paragraphs.load(folder), errors)
        for name, engine in opened.items():
            built[name][corpus] = engine
    out = {}
    for name, by_corpus in built.items():
        if set(by_corpus) != {j.corpus for j in judged}:
            continue
        try:
            scores = relevance.evaluate(lambda c, q, b=by_corpus: b[c].search(q, 10), judged)
        except Exception as e:
            errors.append(f"{name}: relevance: {describe(e)}")
            continue
        per = {c: relevance.evaluate(lambda c_, q, b=by_corpus: b[c_].search(q, 10),
                                     [j for j in judged if j.corpus == c])["ndcg@10"]
               for c in sorted(by_corpus)}
        out[name] = {"ndcg@10": scores["ndcg@10"], "mrr": scores["mrr"], "ndcg_by_corpus": per,
                     "queries": len(judged)}
    return out


# --- one run ---------------------------------------------------------------------------------

def engines_for(corpus, engines) -> tuple[list[str], list[str]]:
    """The engines to run on ``corpus`` and the ones skipped there.

    ``engines`` None means the default: every engine, but above :data:`LARGE` paragraphs only
    :data:`LARGE_ENGINES`. Engines named on purpose always run.
    """
    if engines is not None:
        return list(engines), []
    size = generated_size(corpus)
    if size is not None and size > LARGE:
        return LARGE_ENGINES, [e for e in ENGINES if e not in LARGE_ENGINES]
    return ENGINES, []


def bench_corpus(name, engines, workroot, opts, errors) -> dict:
    folder = corpus_folder(name)
    files = sorted(folder.rglob("*.txt"))
    engines, skipped = engines_for(name, engines)
    out = {"folder": str(folder), "files": len(files),
           "input_mb": sum(p.stat().st_size for p in files) / 1e6, "skipped": skipped}
    work = workroot / name
    mine: list[str] = []
    # Built first, in their own processes, before this one loads every paragraph: at 1m that
    # list is a GB, which the builds need not share the machine with.
    out["build"] = build_all(engines, folder, work, mine, opts["isolate"])
    for fig in out["build"].values():
        fig["mb_per_s"] = out["input_mb"] / fig["seconds"] if fig["seconds"] else 0.0
    paras = paragraphs.load(folder)
    out["paragraphs"] = len(paras)
    opened = open_all(out["build"], folder, work, paras, mine)
    queries = make_queries(paras, opts["queries"])
    out["queries"] = queries
    out["latency"] = time_queries(opened, queries, opts["repeats"], mine)
    out["phrases"] = phrase_quality(opened, queries["phrase"], paras, mine)
    if opts["http_seconds"] and PRODUCT in opened:
        try:
            mix = {k: qs[:10] for k, qs in queries.items()}
            out["http"] = load.run_load(str(work / PRODUCT), mix, clients=8,
                                        seconds=opts["http_seconds"], workers=3)
        except Exception as e:
            mine.append(f"{PRODUCT}: http: {describe(e)}")
    out["incremental"] = incremental(opened, folder, work, mine)
    errors += [f"[{name}] {e}" for e in mine]
    return out


def run_benchmark(corpora, engines=None, *, queries=50, repeats=3, http_seconds=20.0,
                  relevance=True, isolate=True, workroot=None) -> dict:
    """Everything for ``corpora``; failures of one engine are listed in ``errors``.

    ``engines`` None: every engine, the slow peers skipped above :data:`LARGE` paragraphs.
    With more than one corpus, ``scaling`` holds how each figure grows with the corpus.
    """
    quiet_jieba()
    own = workroot is None
    workroot = Path(workroot or tempfile.mkdtemp(prefix="report-search-bench-"))
    opts = {"queries": queries, "repeats": repeats, "http_seconds": http_seconds,
            "isolate": isolate}
    result = {"meta": meta(), "corpora": {}, "errors": []}
    started = time.perf_counter()
    try:
        for name in corpora:
            try:
                result["corpora"][name] = bench_corpus(name, engines, workroot, opts,
                                                       result["errors"])
            except Exception as e:
                result["errors"].append(f"[{name}] {describe(e)}")
        if relevance:
            result["relevance"] = relevance_scores(engines or ENGINES, workroot,
                                                   result["errors"], isolate)
            for name in TUNING_SETS:  # the pooled tuning sets (pool.py)
                path = HERE / name / "judgments.yaml"
                if path.exists():
                    result[f"relevance_{name}"] = relevance_scores(
                        engines or ENGINES, workroot / name, result["errors"], isolate, path)
            if BLIND.exists():  # the blind set (pool.py blind): scored, never tuned on
                result["relevance_blind"] = relevance_scores(
                    engines or ENGINES, workroot / "blind", result["errors"], isolate, BLIND)
    finally:
        if own:
            shutil.rmtree(workroot, ignore_errors=True)
    result["targets"] = targets(result)
    if len(result["corpora"]) > 1:
        result["scaling"] = scaling_table(result)
    result["meta"]["seconds"] = time.perf_counter() - started
    return result


def meta() -> dict:
    import sqlite3

    import jieba
    import whoosh

    try:
        import tantivy
        tantivy_version = tantivy.__version__
    except ImportError:
        tantivy_version = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {"commit": commit, "python": platform.python_version(), "cpus": os.cpu_count(),
            "loadavg": os.getloadavg(), "sqlite": sqlite3.sqlite_version,
            "whoosh": whoosh.versionstring(), "jieba": jieba.__version__,
            "tantivy": tantivy_version, "started": time.strftime("%Y-%m-%d %H:%M:%S")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", help="comma-separated: seeds, prov2026, wikisource_gwr, <N>k, "
                    "<N>m (default seeds,10k,100k; with --quick seeds,10k)")
    ap.add_argument("--engines", help=f"comma-separated, from {','.join(ENGINES)} (default: "
                    f"all; above {LARGE:,} paragraphs only {','.join(LARGE_ENGINES)})")
    ap.add_argument("--json", help="also write every figure to this file")
    ap.add_argument("--plot", default="bench-scaling.png",
                    help="with more than one corpus, draw the scaling table here (PNG; "
                    "default %(default)s)")
    ap.add_argument("--quick", action="store_true",
                    help="20 queries per kind, 2 repeats, 5 s of HTTP load")
    ap.add_argument("--no-relevance", action="store_true")
    ap.add_argument("--relevance-only", action="store_true",
                    help="only nDCG@10 and MRR on the judged sets (no corpora, no timings)")
    ap.add_argument("--http-seconds", type=float, default=None)
    args = ap.parse_args(argv)
    engines = [e.strip() for e in (args.engines or "").split(",") if e.strip()] or None
    unknown = set(engines or []) - set(ENGINES)
    if unknown:
        ap.error(f"unknown engines {sorted(unknown)}; choose from {ENGINES}")
    corpora = (args.corpora or ("seeds,10k" if args.quick else "seeds,10k,100k")).split(",")
    if args.relevance_only:
        corpora = []
    http = args.http_seconds if args.http_seconds is not None else (5 if args.quick else 20)
    result = run_benchmark(corpora, engines, queries=20 if args.quick else 50,
                           repeats=2 if args.quick else 3, http_seconds=http,
                           relevance=not args.no_relevance)
    print(render(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    if result.get("scaling"):
        try:
            plot_scaling(result["scaling"], args.plot)
            print(f"scaling plot: {args.plot}")
        except ImportError as e:  # matplotlib is in the bench extra, not the base install
            print(f"no scaling plot ({e}): pip install -e '.[bench]'", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
