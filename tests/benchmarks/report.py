"""The benchmark's result as markdown tables, and the issue's targets, met or missed."""

from __future__ import annotations

from relevance import TUNING_SETS

PRODUCT, FLOOR = "product", "jieba floor"  # the engine under test; the segmentation floor
KINDS = ("word", "two words", "phrase", "one char")


def targets(result) -> list[dict]:
    """The goals of the "engine at scale" issue, met or missed, for every corpus but the tiny
    seeds (100k is where the peers are compared; from 1m the absolute goals apply)."""
    out = []

    def check(corpus, goal, value, limit, strict=False):
        met = None if value is None else (value < limit if strict else value <= limit)
        out.append({"corpus": corpus, "target": goal, "value": value, "limit": limit, "met": met})

    def ratio(a, b):
        return a / b if a is not None and b else None

    for corpus, c in result["corpora"].items():
        if corpus == "seeds":
            continue
        b = c.get("build", {})
        mine = b.get(PRODUCT, {})
        check(corpus, "rebuild ≤ fts5-jieba (wall, same run)",
              ratio(mine.get("seconds"), b.get("fts5-jieba", {}).get("seconds")), 1.0)
        check(corpus, "index ≤ 2× text", ratio(mine.get("size_mb"), c.get("input_mb")), 2.0)
        large = (c.get("paragraphs") or 0) >= 1_000_000
        if large:
            check(corpus, "rebuild < 15 min (s)", mine.get("seconds"), 900.0, strict=True)
        for kind in KINDS:
            lat = c.get("latency", {}).get(kind, {})
            p95 = lat.get(PRODUCT, {}).get("p95_ms")
            if large:
                check(corpus, f"{kind} p95 < 100 ms", p95, 100.0, strict=True)
            for peer, limit, strict, goal in (("fts5-jieba", 3.0, False, "≤ 3× fts5-jieba"),
                                              ("whoosh", 1.0, True, "< whoosh")):
                theirs = lat.get(peer, {}).get("p95_ms")
                if theirs:
                    check(corpus, f"{kind} p95 {goal}", ratio(p95, theirs), limit, strict)
        http = c.get("http")
        if http:
            check(corpus, "HTTP p95 < 50 ms (8 clients)", http["all"]["p95_ms"], 50.0, True)
            check(corpus, "worker PSS < 300 MB", http.get("worker_peak_pss_mb"), 300.0, True)
        added = c.get("incremental", {}).get(PRODUCT, {}).get("seconds")
        if added is not None:
            check(corpus, "one report added and found < 0.3 s", added, 0.3, strict=True)
    return out


# --- tables ----------------------------------------------------------------------------------

def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _x(value, ref) -> str:
    return f"{value / ref:.2f}×" if value is not None and ref else "–"


def _relevance_table(rel: dict, title: str) -> str:
    ref = rel.get(PRODUCT, {})
    corpora = sorted({k for v in rel.values() for k in v["ndcg_by_corpus"]})
    rows = [[n, f"{v['ndcg@10']:.3f}", _x(v["ndcg@10"], ref.get("ndcg@10")),
             f"{v['mrr']:.3f}", _x(v["mrr"], ref.get("mrr")),
             *(f"{v['ndcg_by_corpus'].get(c_, 0):.3f}" for c_ in corpora)]
            for n, v in rel.items()]
    n = next(iter(rel.values()))["queries"]
    return f"## {title} ({n} judged queries)\n\n" + markdown_table(
        ["engine", "nDCG@10", "× product", "MRR", "× product",
         *(f"nDCG@10 {c_}" for c_ in corpora)], rows)


def render(result) -> str:
    """The whole run as markdown: one section per corpus, then relevance, targets, errors."""
    m = result["meta"]
    parts = [f"# report-search benchmark ({m['started']}, commit {m['commit']}, {m['cpus']} CPUs, "
             f"load {m['loadavg'][0]:.1f}; sqlite {m['sqlite']}, whoosh {m['whoosh']}, "
             f"tantivy {m['tantivy']}, jieba {m['jieba']})"]
    for name, c in result["corpora"].items():
        parts.append(f"## {name}: {c['paragraphs']} paragraphs, {c['files']} files, "
                     f"{c['input_mb']:.1f} MB")
        if c.get("skipped"):
            parts.append(f"Not run at this size: {', '.join(c['skipped'])} (hours here; name "
                         "them in `--engines` to run them anyway).")
        parts.append(_build_table(c))
        parts.append(_latency_table(c))
        parts.append(_phrase_table(c))
        if c.get("incremental"):
            inc = c["incremental"]
            ref = inc.get(PRODUCT, {}).get("seconds")
            parts.append("Add one report until a query finds it (× product), three reports added "
                         "one after another: the median and the slowest:\n\n" + markdown_table(
                ["engine", "seconds", "× product", "slowest s"],
                [[n, f"{v['seconds']:.3f}", _x(v["seconds"], ref),
                  f"{v['max']:.3f}" if "max" in v else "–"] for n, v in inc.items()]))
        if c.get("http"):
            parts.append(_http_table(c["http"]))
    if result.get("scaling"):
        from scaling import render_scaling  # scaling imports this module's names

        parts.append(render_scaling(result["scaling"]))
    tuning = [(f"relevance_{name}", f"relevance, tuning set {name} (pooled, {what})")
              for name, what in TUNING_SETS.items()]
    for key, title in (("relevance", "relevance"), *tuning,
                       ("relevance_blind", "relevance, blind pooled set (evaluation only)")):
        if result.get(key):
            parts.append(_relevance_table(result[key], title))
    if result.get("targets"):
        rows = [[t["corpus"], t["target"], "–" if t["value"] is None else f"{t['value']:.2f}",
                 f"{t['limit']:g}", {True: "met", False: "MISSED", None: "n/a"}[t["met"]]]
                for t in result["targets"]]
        parts.append("## targets (the 100k rows are the ones that count; ratios are product ÷ "
                     "peer)\n\n" + markdown_table(["corpus", "target", "value", "limit", ""], rows))
    if result["errors"]:
        parts.append("## errors\n\n" + "\n".join(f"- {e}" for e in result["errors"]))
    return "\n\n".join(parts) + "\n"


def _build_table(c) -> str:
    b = c["build"]
    floor = b.get(FLOOR, {}).get("seconds")
    cpu_floor = b.get(FLOOR, {}).get("cpu_seconds")
    size_ref = b.get(PRODUCT, {}).get("size_mb")
    rows = []
    for n, v in b.items():
        size, tree = v.get("size_mb"), v.get("tree_peak_pss_mb")
        cpu = v.get("cpu_seconds")
        rows.append([n, f"{v['seconds']:.2f}", _x(v["seconds"], floor),
                     "–" if cpu is None else f"{cpu:.2f}", _x(cpu, cpu_floor),
                     "–" if cpu is None else f"{cpu / v['seconds']:.1f}", f"{v['mb_per_s']:.2f}",
                     "–" if tree is None else f"{tree:.0f} ({v['processes']})",
                     f"{v['peak_rss_mb']:.0f}", f"{v['peak_rss_mb'] - v['start_rss_mb']:+.0f}",
                     "–" if size is None else f"{size:.1f}", _x(size, size_ref)])
    parse = max((v["parse_seconds"] for v in b.values()), default=0)
    return ("Full rebuild, each in its own process; × floor = × the time `jieba.lcut` takes over "
            "every paragraph. CPU s = user + system seconds of the build and every process it "
            "waited for (the product's index workers), so cores = CPU s ÷ wall s; compare CPU × "
            f"floor to see what a wall-clock ratio owes to core count. Peers get parsed paragraphs (parsing: {parse:.2f} s, not counted), "
            "the product reads the files itself. Memory: PSS summed over the process and its "
            "workers, sampled every 0.25 s (processes); peak RSS of the main process during the "
            "build, and its growth over the start:\n\n" + markdown_table(
                ["engine", "rebuild s", "× floor", "CPU s", "CPU × floor", "cores", "MB/s", "peak PSS MB (procs)", "main peak RSS MB",
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
            "\n\n" + markdown_table(["engine", *KINDS], rows))


def _phrase_table(c) -> str:
    rows = [[n, f"{v['precision']:.1%}", f"{v['recall']:.1%}", f"{v['exact']}/{v['phrases']}",
             str(v["missing"]), f"{v['extra']} ({v['extra_folded']})", f"{v['seconds']:.2f}"]
            for n, v in c["phrases"].items()]
    return ("Every match of each quoted phrase (2–8 characters) vs the literal substring scan; "
            "extra (folded) = extra matches that hold the phrase in traditional or full-width "
            "form:\n\n" + markdown_table(["engine", "precision", "recall", "phrases exact", "missing",
                                    "extra (folded)", "seconds"], rows))


def _http_table(h) -> str:
    rows = [[k, str(v["requests"]), f"{v['req_per_s']:.1f}", f"{v['p50_ms']:.1f}",
             f"{v['p95_ms']:.1f}", f"{v['search_p50_ms']:.1f}", f"{v['search_p95_ms']:.1f}",
             str(v["errors"])] for k, v in [*h["kinds"].items(), ("all", h["all"])]]
    return (f"HTTP, product only: gunicorn {h['workers']} workers, {h['clients']} client "
            f"processes, {h['seconds']:.0f} s; worker peak RSS {h['worker_peak_rss_mb']} MB, "
            f"PSS {h['worker_peak_pss_mb']} MB:\n\n" + markdown_table(
                ["queries", "requests", "req/s", "p50 ms", "p95 ms", "search p50", "search p95",
                 "errors"], rows))
