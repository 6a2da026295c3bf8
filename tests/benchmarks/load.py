"""HTTP load against the product's server: requests/s, p50/p95 latency, errors, worker memory.

    .venv/bin/python tests/benchmarks/load.py --index DIR [--clients 8] [--seconds 15] [--workers 3]

Starts gunicorn on a free loopback port over the index in DIR (as ``report-search serve`` does),
runs a mix of queries from client *processes* (threads would share one GIL with each other and
measure Python, not the server) for a fixed time, samples a worker's RSS and PSS, prints a table
and stops the server. :func:`run_load` is what ``run.py`` calls.

The mix is 17 queries, each asked again and again: a worker's caches of decoded postings and
stored records (indexer.matching, indexer.search) are warm, as for a workload whose common
words recur. A query of words not asked before pays for decoding them once.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

QUERIES = {
    "word": ["乡村振兴", "疫情", "改革", "农业", "教育"],
    "two words": ["乡村振兴 产业", "疫情 防控", "经济 增长", "脱贫 攻坚"],
    "phrase": ['"振兴战略"', '"高质量发展"', '"户户通"', '"村集体经济"', '"营商环境"'],
    "one char": ['"镇"', '"粮"', '"港"'],
}
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; 0 for no values.

    >>> percentile([1, 2, 3, 4, 5], 50), percentile([], 95)
    (3, 0)
    """
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0


def start_server(index: str, workers: int) -> tuple[subprocess.Popen, str]:
    """gunicorn as ``report-search serve`` runs it (preloaded app, index from the environment)."""
    port = free_port()
    env = dict(os.environ, REPORT_SEARCH_INDEX=os.path.abspath(index))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--preload", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "webui:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def wait_ready(base: str, workers: int, server: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=2) as r:
                health = json.loads(r.read())
            # every worker forked (the app is preloaded, so a forked worker is a ready one)
            if len(worker_pids(server.pid)) >= workers:
                return health
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def worker_pids(master: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                out.append(int(entry.name))
    return out


def memory_kb(pid: int) -> dict[str, int]:
    """Rss and Pss of a process from ``/proc/<pid>/smaps_rollup``, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            out[name.lower()] = int(rest.split()[0])
    return out


def client(base: str, kinds: list[tuple[str, str]], offset: int, start_at: float,
           seconds: float, results) -> None:
    """One client process: requests back to back from ``start_at`` for ``seconds``."""
    samples = []  # (kind, client ms, server ms, ok)
    time.sleep(max(0.0, start_at - time.time()))
    deadline = time.monotonic() + seconds
    i = offset
    while time.monotonic() < deadline:
        kind, q = kinds[i % len(kinds)]
        i += 1
        url = f"{base}/api/search?{urllib.parse.urlencode({'q': q, 'size': 10})}"
        started = time.perf_counter()
        inner, ok = 0.0, False
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                data = json.loads(r.read())
                ok = r.status == 200 and "results" in data
                inner = data.get("took_ms", 0.0)
        except (OSError, ValueError):
            ok = False
        samples.append((kind, (time.perf_counter() - started) * 1000, inner, ok))
    results.put(samples)


def run_load(index: str, queries: dict[str, list[str]] | None = None, clients: int = 8,
             seconds: float = 15, workers: int = 3) -> dict:
    """Drive a fresh server over ``index``; figures per query kind and for all of them."""
    queries = queries or QUERIES
    kinds = [(k, q) for k, qs in queries.items() for q in qs]
    server, base = start_server(index, workers)
    peak = {"rss": 0, "pss": 0}
    try:
        health = wait_ready(base, workers, server)
        pids = worker_pids(server.pid)
        stop = threading.Event()

        def sample_memory():
            while not stop.is_set():
                for pid in pids:
                    try:
                        mem = memory_kb(pid)
                    except OSError:
                        continue
                    for key in peak:
                        peak[key] = max(peak[key], mem.get(key, 0))
                stop.wait(0.5)

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        ctx = multiprocessing.get_context("spawn")
        results = ctx.Queue()
        start_at = time.time() + 2  # every client process started and imported by then
        procs = [ctx.Process(target=client, args=(base, kinds, n * 7, start_at, seconds, results))
                 for n in range(clients)]
        for p in procs:
            p.start()
        samples = [s for _ in procs for s in results.get(timeout=seconds + 120)]
        for p in procs:
            p.join()
        stop.set()
        sampler.join()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    def figures(rows):
        ok = [ms for _, ms, _, good in rows if good]
        inner = [s for _, _, s, good in rows if good]
        return {"requests": len(ok), "req_per_s": round(len(ok) / seconds, 1),
                "p50_ms": round(percentile(ok, 50), 2), "p95_ms": round(percentile(ok, 95), 2),
                "search_p50_ms": round(percentile(inner, 50), 2),
                "search_p95_ms": round(percentile(inner, 95), 2),
                "errors": sum(1 for *_, good in rows if not good)}

    by_kind = {k: figures([s for s in samples if s[0] == k]) for k in queries}
    return {"documents": health.get("documents"), "paragraphs": health.get("paragraphs"),
            "workers": workers, "clients": clients, "seconds": seconds,
            "kinds": by_kind, "all": figures(samples),
            "worker_peak_rss_mb": round(peak["rss"] / 1024, 1),
            "worker_peak_pss_mb": round(peak["pss"] / 1024, 1)}


def print_load(result: dict) -> None:
    print(f"{result['documents']} documents, {result['paragraphs']} paragraphs; "
          f"{result['workers']} workers, {result['clients']} client processes, "
          f"{result['seconds']:.0f} s; worker peak RSS {result['worker_peak_rss_mb']} MB, "
          f"PSS {result['worker_peak_pss_mb']} MB")
    print("latency: seen by the client (HTTP round trip) | search time inside the worker")
    print(f"{'queries':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'search p50':>10} {'search p95':>10} {'errors':>6}")
    for kind, r in [*result["kinds"].items(), ("all", result["all"])]:
        print(f"{kind:<10} {r['requests']:>8} {r['req_per_s']:>7.1f} {r['p50_ms']:>7.1f} "
              f"{r['p95_ms']:>7.1f} {r['search_p50_ms']:>10.1f} {r['search_p95_ms']:>10.1f} "
              f"{r['errors']:>6}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args(argv)
    try:
        result = run_load(args.index, clients=args.clients, seconds=args.seconds,
                          workers=args.workers)
    except RuntimeError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    print(f"index {args.index}:")
    print_load(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
