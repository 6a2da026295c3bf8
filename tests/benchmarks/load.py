"""A small HTTP load run against `report-search serve`: requests/s and p50/p95 latency.

    .venv/bin/python tests/benchmarks/load.py --index DIR [--clients 8] [--seconds 15] [--workers 3]

Starts gunicorn on a free loopback port over the index in DIR, runs a mix of queries from
concurrent client threads for a fixed time, prints a table, and stops the server. Only loopback
traffic; the loop is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

QUERIES = {
    "word": ["乡村振兴", "疫情", "改革", "农业", "教育"],
    "two words": ["乡村振兴 产业", "疫情 防控", "经济 增长", "脱贫 攻坚"],
    "phrase": ['"振兴战略"', '"高质量发展"', '"户户通"', '"村集体经济"', '"营商环境"'],
    "one char": ['"镇"', '"粮"', '"港"'],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args(argv)

    port = free_port()
    exe = os.path.join(os.path.dirname(sys.executable), "report-search")
    server = subprocess.Popen([exe, "serve", "--index", args.index, "--port", str(port),
                               "--workers", str(args.workers)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=2) as r:
                    docs = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.2)
        else:
            print("server did not start", file=sys.stderr)
            return 1
        time.sleep(1)  # let every worker boot
        samples: dict[str, list[float]] = {k: [] for k in QUERIES}
        server_ms: dict[str, list[float]] = {k: [] for k in QUERIES}
        errors: dict[str, int] = {k: 0 for k in QUERIES}
        kinds = [(k, q) for k, qs in QUERIES.items() for q in qs]
        deadline = time.monotonic() + args.seconds

        def client(offset: int) -> None:
            i = offset
            while time.monotonic() < deadline:
                kind, q = kinds[i % len(kinds)]
                i += 1
                url = f"{base}/api/search?{urllib.parse.urlencode({'q': q, 'size': 10})}"
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=30) as r:
                        data = json.loads(r.read())
                        ok = r.status == 200 and "results" in data
                    if ok:
                        server_ms[kind].append(data["took_ms"])
                except OSError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                if ok:
                    samples[kind].append(elapsed)
                else:
                    errors[kind] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(f"index {args.index}: {docs['documents']} documents, {docs['paragraphs']} paragraphs; "
          f"{args.workers} workers, {args.clients} clients, {args.seconds:.0f} s")
    print("latency: seen by the client (HTTP round trip) | search time inside the worker")
    print(f"{'queries':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'search p50':>10} {'search p95':>10} {'errors':>6}")
    rows = [(kind, samples[kind], server_ms[kind], errors[kind]) for kind in QUERIES]
    rows.append(("all", sum(samples.values(), []), sum(server_ms.values(), []),
                 sum(errors.values())))
    for kind, values, inner, failed in rows:
        print(f"{kind:<10} {len(values):>8} {len(values) / args.seconds:>7.1f} "
              f"{statistics.median(values) if values else 0:>7.1f} "
              f"{percentile(values, 95):>7.1f} {statistics.median(inner) if inner else 0:>10.1f} "
              f"{percentile(inner, 95):>10.1f} {failed:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
