"""The product beside its peers, on the same paragraphs, in one run: every figure is a ratio.

    .venv/bin/python tests/benchmarks/run.py [--corpora seeds,10k,100k] [--engines ...]
                                             [--json out.json] [--quick]

Per corpus: rebuild time against the jieba floor (one process segmenting every paragraph),
peak memory of the indexing process, index size, query latency for four kinds of query, phrase
precision/recall against a substring scan, time until an added document is searchable, and HTTP
load on the product's server. Then nDCG@10/MRR on the judged queries (:mod:`relevance`) and the
targets, met or missed. The machine is noisy, so engines are timed interleaved and compared
within the run, never against numbers from another day.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import queue
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import load
import paragraphs
import peers
from corpora import ROOT, corpus_folder, make_queries, quiet_jieba
from product import Product
from report import FLOOR, KINDS, PRODUCT, render, targets

ENGINES = [PRODUCT, "whoosh", "fts5-jieba", "fts5-trigram", "substring", "tantivy"]
# A paragraph appended to a copied report for the incremental test; the query finds only it.
MARKER = "本段为增量索引测试标记内容，用于检验新文件多久可以被检索到。"
MARKER_QUERY = "增量 索引 测试 标记"


def make_engine(name):
    return Product() if name == PRODUCT else peers.PEERS[name]()


# --- building, each in its own process ------------------------------------------------------

def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    """Start VmHWM (peak RSS) afresh, so set-up (jieba's dictionary load) is not the peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def tree_pss_mb(pid: int) -> tuple[float, int]:
    """Summed PSS of a process and its descendants (forked workers share pages), and how many."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += load.worker_pids(p)
    total = 0
    for p in pids:
        try:
            total += load.memory_kb(p).get("pss", 0)
        except OSError:
            pass
    return total / 1024, len(pids)


def build_child(name, folder, workdir, results) -> None:
    """Build one engine's index (or run the floor) and report seconds and peak RSS."""
    try:
        started = time.perf_counter()
        paras = [] if name == PRODUCT else paragraphs.load(folder)
        parse_seconds = time.perf_counter() - started
        if name != PRODUCT:
            quiet_jieba().initialize()  # the floor is segmentation alone, dictionary loaded
        start_rss = status_mb("VmRSS")
        reset_peak()
        started = time.perf_counter()
        if name == FLOOR:
            jieba = quiet_jieba()
            for p in paras:
                jieba.lcut(p.text)
        elif name == PRODUCT:
            Product().build(folder, workdir)
        else:
            peers.PEERS[name]().build(paras, workdir)
        seconds = time.perf_counter() - started
        results.put({"seconds": seconds, "parse_seconds": parse_seconds,
                     "start_rss_mb": start_rss, "peak_rss_mb": status_mb("VmHWM")})
    except BaseException as e:  # reported, not raised: one engine must not end the run
        results.put({"error": _describe(e)})


def build(name, folder, workdir, isolate=True) -> dict:
    if workdir is not None:
        shutil.rmtree(workdir, ignore_errors=True)
        Path(workdir).mkdir(parents=True)
    if not isolate:
        class Inline:
            def put(self, value):
                self.value = value
        box = Inline()
        build_child(name, folder, workdir, box)
        out = box.value
    else:
        ctx = multiprocessing.get_context("spawn")
        results = ctx.Queue()
        proc = ctx.Process(target=build_child, args=(name, folder, workdir, results))
        proc.start()
        peak = {"pss_mb": 0.0, "processes": 1}
        while proc.is_alive() and results.empty():
            pss, count = tree_pss_mb(proc.pid)
            peak["pss_mb"] = max(peak["pss_mb"], pss)
            peak["processes"] = max(peak["processes"], count)
            time.sleep(0.25)
        try:
            out = results.get(timeout=30)
        except queue.Empty:
            raise RuntimeError(f"build process ended with exit code {proc.exitcode}") from None
        proc.join()
        out.update(tree_peak_pss_mb=peak["pss_mb"], processes=peak["processes"])
    if "error" in out:
        raise RuntimeError(out["error"])
    return out


def dir_mb(path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1e6


def _describe(e: BaseException) -> str:
    frame = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
    where = f" ({Path(frame.filename).name}:{frame.lineno})" if frame else ""
    lines = str(e).strip().splitlines() or [""]
    text = lines[0] + (f" … {lines[-1]}" if len(lines) > 1 else "")  # e.g. a worker's traceback
    return f"{type(e).__name__}: {text}{where}"


def build_all(engines, folder, workroot, paras, errors, isolate=True) -> tuple[dict, dict]:
    """Build and open every engine; the ones that fail are reported in ``errors`` and dropped."""
    figures, opened = {}, {}
    for name in [FLOOR, *engines]:
        workdir = None if name == FLOOR else workroot / name
        try:
            figures[name] = build(name, folder, workdir, isolate)
            if name == FLOOR:
                continue
            engine = make_engine(name)
            engine.open(folder, workdir) if name == PRODUCT else engine.open(workdir, paras)
            figures[name]["size_mb"] = dir_mb(workdir)
            opened[name] = engine
        except Exception as e:
            errors.append(f"{name}: build: {_describe(e)}")
    return figures, opened


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
                errors.append(f"{name}: {kind} query: {_describe(e)}")
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
    folded = {p.key: normalize(p.text) for p in paras}
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
                fold += sum(1 for k in extra if normalize(t) in folded.get(k, ""))
                exact += got == truth[t]
                if (extra or missing) and len(wrong) < 5:
                    wrong.append({"phrase": t, "missing": sorted(missing)[:3],
                                  "extra": sorted(extra)[:3], "missing_n": len(missing),
                                  "extra_n": len(extra)})
        except Exception as e:
            errors.append(f"{name}: phrase matches: {_describe(e)}")
            continue
        out[name] = {"precision": tp / (tp + fp) if tp + fp else 1.0,
                     "recall": tp / (tp + fn) if tp + fn else 1.0,
                     "extra": fp, "extra_folded": fold, "missing": fn,
                     "exact": exact, "phrases": len(texts),
                     "seconds": time.perf_counter() - started, "wrong": wrong[:5]}
    return out


def incremental(opened, folder, workroot, errors, timeout=120.0) -> dict:
    """Seconds from adding one report until a query finds it, per engine."""
    incoming = workroot / "incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    source = sorted(Path(folder).rglob("*.txt"))[0]
    new = incoming / "zz_incremental.txt"
    new.write_text(source.read_text("utf-8").rstrip() + "\n" + MARKER + "\n", "utf-8")
    new_paras = paragraphs.load(incoming)
    key = next(p.key for p in new_paras if MARKER in p.text)
    out = {}
    for name, engine in opened.items():
        try:
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
            out[name] = {"seconds": time.perf_counter() - started}
        except Exception as e:
            errors.append(f"{name}: incremental: {_describe(e)}")
    return out


def relevance_scores(engines, workroot, errors, isolate=True) -> dict:
    """nDCG@10 and MRR of every engine, each built on the judged corpora."""
    try:
        import relevance

        judged = relevance.load_judgments()
    except Exception as e:
        errors.append(f"relevance: {_describe(e)}")
        return {}
    built: dict[str, dict] = {name: {} for name in engines}
    for corpus in sorted({j.corpus for j in judged}):
        folder = relevance.CORPORA[corpus]
        paras = paragraphs.load(folder)
        _, opened = build_all(engines, folder, workroot / f"rel-{corpus}", paras, errors, isolate)
        for name, engine in opened.items():
            built[name][corpus] = engine
    out = {}
    for name, by_corpus in built.items():
        if set(by_corpus) != {j.corpus for j in judged}:
            continue
        try:
            scores = relevance.evaluate(lambda c, q, b=by_corpus: b[c].search(q, 10), judged)
        except Exception as e:
            errors.append(f"{name}: relevance: {_describe(e)}")
            continue
        per = {c: relevance.evaluate(lambda c_, q, b=by_corpus: b[c_].search(q, 10),
                                     [j for j in judged if j.corpus == c])["ndcg@10"]
               for c in sorted(by_corpus)}
        out[name] = {"ndcg@10": scores["ndcg@10"], "mrr": scores["mrr"], "ndcg_by_corpus": per,
                     "queries": len(judged)}
    return out


# --- one run ---------------------------------------------------------------------------------

def bench_corpus(name, engines, workroot, opts, errors) -> dict:
    folder = corpus_folder(name)
    paras = paragraphs.load(folder)
    files = sorted(folder.rglob("*.txt"))
    out = {"folder": str(folder), "files": len(files), "paragraphs": len(paras),
           "input_mb": sum(p.stat().st_size for p in files) / 1e6}
    work = workroot / name
    mine: list[str] = []
    out["build"], opened = build_all(engines, folder, work, paras, mine, opts["isolate"])
    for fig in out["build"].values():
        fig["mb_per_s"] = out["input_mb"] / fig["seconds"] if fig["seconds"] else 0.0
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
            mine.append(f"{PRODUCT}: http: {_describe(e)}")
    out["incremental"] = incremental(opened, folder, work, mine)
    errors += [f"[{name}] {e}" for e in mine]
    return out


def run_benchmark(corpora, engines=ENGINES, *, queries=50, repeats=3, http_seconds=20.0,
                  relevance=True, isolate=True, workroot=None) -> dict:
    """Everything for ``corpora``; failures of one engine are listed in ``errors``."""
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
                result["errors"].append(f"[{name}] {_describe(e)}")
        if relevance:
            result["relevance"] = relevance_scores(engines, workroot, result["errors"], isolate)
    finally:
        if own:
            shutil.rmtree(workroot, ignore_errors=True)
    result["targets"] = targets(result)
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
    ap.add_argument("--corpora", help="comma-separated: seeds, prov2026, <N>k "
                    "(default seeds,10k,100k; with --quick seeds,10k)")
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help=f"comma-separated, from {','.join(ENGINES)}")
    ap.add_argument("--json", help="also write every figure to this file")
    ap.add_argument("--quick", action="store_true",
                    help="20 queries per kind, 2 repeats, 5 s of HTTP load")
    ap.add_argument("--no-relevance", action="store_true")
    ap.add_argument("--http-seconds", type=float, default=None)
    args = ap.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        ap.error(f"unknown engines {sorted(unknown)}; choose from {ENGINES}")
    corpora = (args.corpora or ("seeds,10k" if args.quick else "seeds,10k,100k")).split(",")
    http = args.http_seconds if args.http_seconds is not None else (5 if args.quick else 20)
    result = run_benchmark(corpora, engines, queries=20 if args.quick else 50,
                           repeats=2 if args.quick else 3, http_seconds=http,
                           relevance=not args.no_relevance)
    print(render(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
