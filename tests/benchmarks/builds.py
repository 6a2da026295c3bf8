"""One full rebuild per engine, each in its own spawned process: wall time, CPU time, memory.

CPU time sits beside wall time because the product's rebuild spreads over every core (spawned
worker processes) while most peers use one: a wall-clock ratio alone can be won by core count.
"""

from __future__ import annotations

import multiprocessing
import queue
import resource
import shutil
import time
import traceback
from pathlib import Path

import load
import paragraphs
import peers
from corpora import quiet_jieba
from product import Product
from report import FLOOR, PRODUCT


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


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds() -> float:
    """User + system seconds of this process (all threads) and of its children already waited
    for: the product joins its index workers before the rebuild returns, so they count."""
    return _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)


def describe(e: BaseException) -> str:
    frame = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
    where = f" ({Path(frame.filename).name}:{frame.lineno})" if frame else ""
    lines = str(e).strip().splitlines() or [""]
    text = lines[0] + (f" … {lines[-1]}" if len(lines) > 1 else "")  # e.g. a worker's traceback
    return f"{type(e).__name__}: {text}{where}"


def build_child(name, folder, workdir, results) -> None:
    """Build one engine's index (or run the floor) and report seconds, CPU and peak RSS."""
    try:
        started = time.perf_counter()
        paras = [] if name == PRODUCT else paragraphs.load(folder)
        parse_seconds = time.perf_counter() - started
        if name != PRODUCT:
            quiet_jieba().initialize()  # the floor is segmentation alone, dictionary loaded
        start_rss = status_mb("VmRSS")
        reset_peak()
        cpu_started = cpu_seconds()
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
        results.put({"seconds": seconds, "cpu_seconds": cpu_seconds() - cpu_started,
                     "parse_seconds": parse_seconds, "start_rss_mb": start_rss,
                     "peak_rss_mb": status_mb("VmHWM")})
    except BaseException as e:  # reported, not raised: one engine must not end the run
        results.put({"error": describe(e)})


def build(name, folder, workdir, isolate=True) -> dict:
    """Run :func:`build_child` in a fresh spawned process (or inline, for the tests)."""
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
        # Measured from outside too: the whole process (start-up, imports, parsing) and every
        # descendant it waited for; a check on the child's own figure for the build alone.
        children_before = _cpu(resource.RUSAGE_CHILDREN)
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
        out.update(tree_peak_pss_mb=peak["pss_mb"], processes=peak["processes"],
                   process_cpu_seconds=_cpu(resource.RUSAGE_CHILDREN) - children_before)
    if "error" in out:
        raise RuntimeError(out["error"])
    return out


def dir_mb(path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1e6
