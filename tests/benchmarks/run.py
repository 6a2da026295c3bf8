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
import logging
import multiprocessing
import os
import platform
import queue
import random
import re
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
CACHE = Path(tempfile.gettempdir()) / "bench"  # generated corpora, kept between runs
PRODUCT, FLOOR = "product", "jieba floor"
ENGINES = [PRODUCT, "whoosh", "fts5-jieba", "fts5-trigram", "substring", "tantivy"]
KINDS = ("word", "two words", "phrase", "one char")
CJK = re.compile(r"[\u4e00-\u9fff]+")
# A paragraph appended to a copied report for the incremental test; the query finds only it.
MARKER = "本段为增量索引测试标记内容，用于检验新文件多久可以被检索到。"
MARKER_QUERY = "增量 索引 测试 标记"


class Product:
    """The product through its public API, answering with the same keys as the peers."""

    name = PRODUCT

    def _settings(self, folder, workdir):
        from indexer.config import load_settings

        return load_settings(None).replace(index__path=str(workdir), index__folders=[str(folder)])

    def build(self, folder, workdir):
        from indexer.writer import index_reports

        index_reports(self._settings(folder, workdir), rebuild=True)

    def open(self, folder, workdir):
        from indexer.search import IndexReader

        self.settings = self._settings(folder, workdir)
        self.reader = IndexReader(self.settings)
        self._names()

    def _names(self):
        self.names = {d["doc_id"]: Path(d["path"]).name for d in self.reader.documents()}

    def _keys(self, page):
        return [f"{self.names[h.doc_id]}#{h.paragraph}" for h in page.results]

    def search(self, query, limit=10):
        return self._keys(self.reader.search(query, page=1, size=limit))

    def all_matches(self, phrase):
        # The library does not cap the page size (the API does): one page holds every match.
        first = self.reader.search(f'"{phrase}"', size=100)
        if first.total <= 100:
            return set(self._keys(first))
        return set(self._keys(self.reader.search(f'"{phrase}"', size=first.total)))

    def add_file(self, path):
        from indexer.writer import index_reports

        index_reports(self.settings, paths=[path])

    def refresh(self):
        if self.reader.refresh():
            self._names()


def make_engine(name):
    return Product() if name == PRODUCT else peers.PEERS[name]()


def quiet_jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


# --- corpora and queries ---------------------------------------------------------------------

def corpus_folder(name: str) -> Path:
    """seeds, a shared corpus (prov2026, wikisource_gwr) or ``<N>k`` generated paragraphs."""
    if name == "seeds":
        return ROOT / "seeds"
    shared = ROOT.parent / "shared" / "corpus" / name
    if shared.is_dir():
        return shared
    m = re.fullmatch(r"(\d+)k", name)
    if not m:
        raise ValueError(f"unknown corpus {name!r}: seeds, prov2026, wikisource_gwr or <N>k")
    folder = CACHE / f"c{name}"
    if not any(folder.glob("*.txt")):
        tmp = CACHE / f".c{name}-{os.getpid()}"  # renamed when complete: never half a corpus
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--paragraphs",
                        str(int(m.group(1)) * 1000), "--out", str(tmp)], check=True,
                       stdout=subprocess.DEVNULL)
        tmp.rename(folder)
    return folder


def make_queries(paras, n: int, seed: int = 7) -> dict[str, list[str]]:
    """Deterministic queries in the product's syntax, drawn from the corpus itself."""
    jieba = quiet_jieba()
    rng = random.Random(seed)
    bodies = [p.text for p in paras if len(p.text) >= 20] or [p.text for p in paras]
    sample = rng.sample(bodies, min(len(bodies), 2000))
    cut = [[w for w in jieba.lcut(t) if len(w) >= 2 and CJK.fullmatch(w)] for t in sample]
    counts = Counter(w for words in cut for w in words)
    frequent = [w for w, _ in counts.most_common(500)]
    common = {w for w, _ in counts.most_common(2000)}

    def draw(make):
        found: dict[str, None] = {}
        for _ in range(n * 50):
            q = make()
            if q:
                found[q] = None
            if len(found) == n:
                break
        return list(found)

    def two_words():
        words = list(dict.fromkeys(w for w in rng.choice(cut) if w in common))
        return " ".join(rng.sample(words, 2)) if len(words) >= 2 else None

    def phrase():
        runs = [r for r in CJK.findall(rng.choice(sample)) if len(r) >= 2]
        if not runs:
            return None
        run = rng.choice(runs)
        size = rng.randint(2, min(8, len(run)))
        start = rng.randrange(len(run) - size + 1)
        return f'"{run[start:start + size]}"'

    def one_char():
        chars = "".join(CJK.findall(rng.choice(sample)))
        return f'"{rng.choice(chars)}"' if chars else None

    return {"word": draw(lambda: rng.choice(frequent) if frequent else None),
            "two words": draw(two_words), "phrase": draw(phrase), "one char": draw(one_char)}


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


def targets(result) -> list[dict]:
    """The goals, met or missed, for every corpus but the tiny seeds (100k is the real one)."""
    out = []

    def check(corpus, goal, value, limit, strict=False):
        met = None if value is None else (value < limit if strict else value <= limit)
        out.append({"corpus": corpus, "target": goal, "value": value, "limit": limit, "met": met})

    for corpus, c in result["corpora"].items():
        if corpus == "seeds":
            continue
        b = c.get("build", {})
        ratio = (b[PRODUCT]["seconds"] / b[FLOOR]["seconds"]
                 if PRODUCT in b and FLOOR in b else None)
        check(corpus, "product rebuild ≤ 2× jieba floor", ratio, 2.0)
        for kind in ("phrase", "two words"):
            lat = c.get("latency", {}).get(kind, {})
            mine = lat.get(PRODUCT, {}).get("p95_ms")
            for peer, limit, strict, goal in (("fts5-jieba", 3.0, False, "≤ 3× fts5-jieba"),
                                              ("whoosh", 1.0, True, "< whoosh")):
                theirs = lat.get(peer, {}).get("p95_ms")
                value = mine / theirs if mine is not None and theirs else None
                check(corpus, f"{kind} p95 {goal}", value, limit, strict)
        http = c.get("http")
        check(corpus, "HTTP p95 < 50 ms (8 clients)", http["all"]["p95_ms"] if http else None,
              50.0, strict=True)
    return out


# --- tables ----------------------------------------------------------------------------------

def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _x(value, ref) -> str:
    return f"{value / ref:.2f}×" if value is not None and ref else "–"


def render(result) -> str:
    """The whole run as markdown: one section per corpus, then relevance, targets, errors."""
    m = result["meta"]
    parts = [f"# report-search benchmark ({m['started']}, commit {m['commit']}, {m['cpus']} CPUs, "
             f"load {m['loadavg'][0]:.1f}; sqlite {m['sqlite']}, whoosh {m['whoosh']}, "
             f"tantivy {m['tantivy']}, jieba {m['jieba']})"]
    for name, c in result["corpora"].items():
        parts.append(f"## {name}: {c['paragraphs']} paragraphs, {c['files']} files, "
                     f"{c['input_mb']:.1f} MB")
        parts.append(_build_table(c))
        parts.append(_latency_table(c))
        parts.append(_phrase_table(c))
        if c.get("incremental"):
            inc = c["incremental"]
            ref = inc.get(PRODUCT, {}).get("seconds")
            parts.append("Add one report until a query finds it (× product):\n\n" + _table(
                ["engine", "seconds", "× product"],
                [[n, f"{v['seconds']:.3f}", _x(v["seconds"], ref)] for n, v in inc.items()]))
        if c.get("http"):
            parts.append(_http_table(c["http"]))
    if result.get("relevance"):
        rel = result["relevance"]
        ref = rel.get(PRODUCT, {})
        corpora = sorted({k for v in rel.values() for k in v["ndcg_by_corpus"]})
        rows = [[n, f"{v['ndcg@10']:.3f}", _x(v["ndcg@10"], ref.get("ndcg@10")),
                 f"{v['mrr']:.3f}", _x(v["mrr"], ref.get("mrr")),
                 *(f"{v['ndcg_by_corpus'].get(c_, 0):.3f}" for c_ in corpora)]
                for n, v in rel.items()]
        n = next(iter(rel.values()))["queries"]
        parts.append(f"## relevance ({n} judged queries)\n\n" + _table(
            ["engine", "nDCG@10", "× product", "MRR", "× product",
             *(f"nDCG@10 {c_}" for c_ in corpora)], rows))
    if result.get("targets"):
        rows = [[t["corpus"], t["target"], "–" if t["value"] is None else f"{t['value']:.2f}",
                 f"{t['limit']:g}", {True: "met", False: "MISSED", None: "n/a"}[t["met"]]]
                for t in result["targets"]]
        parts.append("## targets (the 100k rows are the ones that count; ratios are product ÷ "
                     "peer)\n\n" + _table(["corpus", "target", "value", "limit", ""], rows))
    if result["errors"]:
        parts.append("## errors\n\n" + "\n".join(f"- {e}" for e in result["errors"]))
    return "\n\n".join(parts) + "\n"


def _build_table(c) -> str:
    b = c["build"]
    floor = b.get(FLOOR, {}).get("seconds")
    size_ref = b.get(PRODUCT, {}).get("size_mb")
    rows = []
    for n, v in b.items():
        size, tree = v.get("size_mb"), v.get("tree_peak_pss_mb")
        rows.append([n, f"{v['seconds']:.2f}", _x(v["seconds"], floor), f"{v['mb_per_s']:.2f}",
                     "–" if tree is None else f"{tree:.0f} ({v['processes']})",
                     f"{v['peak_rss_mb']:.0f}", f"{v['peak_rss_mb'] - v['start_rss_mb']:+.0f}",
                     "–" if size is None else f"{size:.1f}", _x(size, size_ref)])
    parse = max((v["parse_seconds"] for v in b.values()), default=0)
    return ("Full rebuild, each in its own process; × floor = × the time `jieba.lcut` takes over "
            f"every paragraph. Peers get parsed paragraphs (parsing: {parse:.2f} s, not counted), "
            "the product reads the files itself. Memory: PSS summed over the process and its "
            "workers, sampled every 0.25 s (processes); peak RSS of the main process during the "
            "build, and its growth over the start:\n\n" + _table(
                ["engine", "rebuild s", "× floor", "MB/s", "peak PSS MB (procs)", "main peak RSS MB",
                 "growth MB", "index MB", "× product size"], rows))


def _latency_table(c) -> str:
    lat = c["latency"]
    names = list(dict.fromkeys(n for kind in lat.values() for n in kind))
    rows = []
    for n in names:
        row = [n]
        for kind in KINDS:
            v = lat.get(kind, {}).get(n)
            ref = lat.get(kind, {}).get(PRODUCT, {}).get("p95_ms")
            row.append("–" if v is None else
                       f"{v['p50_ms']:.2f} / {v['p95_ms']:.2f} ({_x(v['p95_ms'], ref)})")
        rows.append(row)
    counts = ", ".join(f"{k} {len(c['queries'][k])}" for k in KINDS)
    return (f"In-process query latency, ms p50 / p95 (p95 × product); top 10; queries: {counts}:"
            "\n\n" + _table(["engine", *KINDS], rows))


def _phrase_table(c) -> str:
    rows = [[n, f"{v['precision']:.1%}", f"{v['recall']:.1%}", f"{v['exact']}/{v['phrases']}",
             str(v["missing"]), f"{v['extra']} ({v['extra_folded']})", f"{v['seconds']:.2f}"]
            for n, v in c["phrases"].items()]
    return ("Every match of each quoted phrase (2–8 characters) vs the literal substring scan; "
            "extra (folded) = extra matches that hold the phrase in traditional or full-width "
            "form:\n\n" + _table(["engine", "precision", "recall", "phrases exact", "missing",
                                    "extra (folded)", "seconds"], rows))


def _http_table(h) -> str:
    rows = [[k, str(v["requests"]), f"{v['req_per_s']:.1f}", f"{v['p50_ms']:.1f}",
             f"{v['p95_ms']:.1f}", f"{v['search_p50_ms']:.1f}", f"{v['search_p95_ms']:.1f}",
             str(v["errors"])] for k, v in [*h["kinds"].items(), ("all", h["all"])]]
    return (f"HTTP, product only: gunicorn {h['workers']} workers, {h['clients']} client "
            f"processes, {h['seconds']:.0f} s; worker peak RSS {h['worker_peak_rss_mb']} MB, "
            f"PSS {h['worker_peak_pss_mb']} MB:\n\n" + _table(
                ["queries", "requests", "req/s", "p50 ms", "p95 ms", "search p50", "search p95",
                 "errors"], rows))


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
