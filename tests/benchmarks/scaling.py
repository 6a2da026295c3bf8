"""How each figure grows with the corpus: a row per corpus, the slope between neighbours, a plot.

The slope is the local log-log exponent k between two consecutive corpus sizes: the figure
grows as paragraphs**k there, so k = 1 is linear (×10 per ×10 paragraphs), k = 2 is ×100 per
×10. A k well above 1 is where a curve bends upwards; below 1, fixed costs still dominate.
"""

from __future__ import annotations

import math

from peers import Substring
from report import FLOOR, KINDS, PRODUCT, markdown_table

SUPER_LINEAR = 1.2  # an exponent above this is marked: clearly faster growth than the corpus
METRICS = ("rebuild_s", "cpu_s", "index_mb", *(f"p95_{k}" for k in KINDS))


def slope(n0: float, v0: float | None, n1: float, v1: float | None) -> float | None:
    """The exponent k with v1 / v0 = (n1 / n0) ** k; None when it is undefined.

    >>> slope(10_000, 2.0, 100_000, 20.0)
    1.0
    >>> round(slope(10_000, 1.0, 100_000, 100.0), 6)
    2.0
    >>> slope(10_000, 0.0, 100_000, 3.0) is None
    True
    """
    if not (v0 and v1 and v0 > 0 and v1 > 0 and n0 > 0 and n1 > 0 and n0 != n1):
        return None
    return math.log(v1 / v0) / math.log(n1 / n0)


def _figures(c: dict, name: str) -> dict:
    b = c["build"].get(name, {})
    lat = c.get("latency", {})
    size = b.get("size_mb")
    out = {"rebuild_s": b.get("seconds"), "cpu_s": b.get("cpu_seconds"), "index_mb": size,
           "index_x_text": size / c["input_mb"] if size is not None and c["input_mb"] else None}
    for kind in KINDS:
        out[f"p95_{kind}"] = lat.get(kind, {}).get(name, {}).get("p95_ms")
    return out


def scaling_table(result: dict) -> dict:
    """``{"engines": [...], "rows": [...]}``: a row per corpus, smallest first, each with every
    engine's figures and, from the second row on, their slopes from the row before."""
    corpora = sorted(((n, c) for n, c in result["corpora"].items() if c.get("build")),
                     key=lambda item: item[1]["paragraphs"])
    engines = list(dict.fromkeys(n for _, c in corpora for n in c["build"]))
    engines.sort(key=lambda n: (n != PRODUCT, n != FLOOR))  # product, floor, peers as they came
    rows, previous = [], None
    for name, c in corpora:
        http = c.get("http")
        row = {"corpus": name, "paragraphs": c["paragraphs"], "input_mb": c["input_mb"],
               "worker_pss_mb": http["worker_peak_pss_mb"] if http else None, "engines": {}}
        for engine in engines:
            if engine not in c["build"]:
                continue
            figures = _figures(c, engine)
            before = previous["engines"].get(engine) if previous else None
            if before:
                figures["slope"] = {m: slope(previous["paragraphs"], before[m],
                                             row["paragraphs"], figures[m]) for m in METRICS}
            row["engines"][engine] = figures
        rows.append(row)
        previous = row
    return {"engines": engines, "rows": rows}


# --- as text ---------------------------------------------------------------------------------

def _k(k: float | None) -> str:
    if k is None:
        return "–"
    text = f"^{k:.2f}"
    return f"**{text}**" if k > SUPER_LINEAR else text


def _cell(value: float | None, k: float | None = None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" + (f" {_k(k)}" if k is not None else "")


def render_scaling(table: dict) -> str:
    """The product's row per corpus, then every engine's slopes, as markdown."""
    rows = []
    for row in table["rows"]:
        f = row["engines"].get(PRODUCT)
        if f is None:
            continue
        k = f.get("slope", {})
        rows.append([row["corpus"], f"{row['paragraphs']:,}", f"{row['input_mb']:.1f}",
                     _cell(f["rebuild_s"], k.get("rebuild_s")), _cell(f["cpu_s"], k.get("cpu_s")),
                     _cell(f["index_mb"], k.get("index_mb"), 1), _cell(f["index_x_text"]),
                     *(_cell(f[f"p95_{kind}"], k.get(f"p95_{kind}")) for kind in KINDS),
                     _cell(row["worker_pss_mb"], digits=0)])
    parts = [f"## scaling\n\nThe product per corpus; ^k is the local log-log slope from the row "
             f"above (the figure grows as paragraphs^k: 1 = linear, 2 = ×100 per ×10), bold "
             f"above {SUPER_LINEAR}. p95 in ms, in-process; worker PSS from the HTTP run:\n\n"
             + markdown_table(["corpus", "paragraphs", "text MB", "rebuild s", "CPU s", "index MB",
                       "× text", *(f"p95 {kind}" for kind in KINDS), "worker PSS MB"], rows)]
    steps = []
    for before, row in zip(table["rows"], table["rows"][1:], strict=False):
        for engine, f in row["engines"].items():
            if "slope" in f:
                k = f["slope"]
                steps.append([engine, f"{before['corpus']} → {row['corpus']}",
                              *(_k(k[m]) for m in METRICS)])
    if steps:
        parts.append("Every engine's slope k between neighbouring corpora (× per ×10 "
                     "paragraphs = 10^k):\n\n" + markdown_table(
                         ["engine", "step", "rebuild", "CPU", "index",
                          *(f"p95 {kind}" for kind in KINDS)], steps))
    return "\n\n".join(parts)


# --- as a picture ----------------------------------------------------------------------------

PANELS = [("rebuild_s", "full rebuild, s (dashed: CPU s)"), ("index_mb", "index size, MB"),
          *((f"p95_{k}", f"p95 latency, {k} queries, ms") for k in KINDS)]


def plot_scaling(table: dict, path) -> None:
    """Log-log panels of rebuild time, index size and p95 latency against paragraphs, one line
    per engine, the product's local slopes written along its line; a PNG at ``path``."""
    # Agg through the object API: no pyplot state, no display, only the bundled DejaVu font.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(15, 8.5), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 3).ravel()
    colours = {e: f"C{i}" for i, e in enumerate(n for n in table["engines"] if n != FLOOR)}
    colours[FLOOR] = "grey"
    for ax, (metric, title) in zip(axes, PANELS, strict=True):
        for engine in table["engines"]:
            if engine == Substring.name and metric in ("rebuild_s", "index_mb"):
                continue  # it builds nothing: its "rebuild" is a list copy, microseconds
            points = _points(table, engine, metric)
            if not points:
                continue
            mine = engine == PRODUCT
            style = {"color": colours[engine], "marker": "o", "linewidth": 2.6 if mine else 1.4,
                     "linestyle": ":" if engine == FLOOR else "-", "label": engine}
            ax.plot(*zip(*points, strict=True), **style)
            if metric == "rebuild_s":
                cpu = _points(table, engine, "cpu_s")
                if cpu and engine != FLOOR:
                    ax.plot(*zip(*cpu, strict=True), color=colours[engine], marker=".",
                            linewidth=1, linestyle="--")
            if mine:
                _label_slopes(ax, points)
        ax.set(xscale="log", yscale="log", title=title, xlabel="paragraphs")
        ax.grid(True, which="both", alpha=0.3)
    legend = {}  # every engine once, though none is in every panel
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    fig.legend(legend.values(), legend.keys(), loc="outside lower center", ncol=len(legend))
    fig.suptitle("report-search: growth with the corpus (log-log; k = local slope of product)")
    fig.savefig(path, dpi=100)


def _points(table: dict, engine: str, metric: str) -> list[tuple[int, float]]:
    out = []
    for row in table["rows"]:
        value = row["engines"].get(engine, {}).get(metric)
        if value is not None and value > 0:
            out.append((row["paragraphs"], value))
    return out


def _label_slopes(ax, points) -> None:
    for (n0, v0), (n1, v1) in zip(points, points[1:], strict=False):
        k = slope(n0, v0, n1, v1)
        if k is not None:
            ax.annotate(f"k={k:.2f}", (math.sqrt(n0 * n1), math.sqrt(v0 * v1)), fontsize=8,
                        ha="center", va="bottom", fontweight="bold" if k > SUPER_LINEAR else "normal")
