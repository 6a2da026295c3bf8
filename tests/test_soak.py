"""Soak: gunicorn (3 workers) under continuous search load while another process re-indexes
the folder ten times — rebuilds alternating with incremental runs that add, change and remove
reports. No request may fail, and the final state must equal a fresh rebuild of the folder.

The folder is every other prov2026 report (16 of 31, 0.83 MB), over the ``parallel_min_mb:
0.5`` the config sets, so that every rebuild here runs on spawned worker processes
(``index.processes: 2``) while the web workers keep answering; the test checks that the workers
really appeared. The folder is small so that a rebuild takes seconds: the soak is about
searching while the index changes, not about size. Killing that path is in test_crash.py.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import CORPORA, free_port, make_settings, running_server, spawned_children
from indexer.search import IndexReader
from indexer.writer import index_reports

PROV = CORPORA / "prov2026"
PARALLEL_MIN_MB = 0.5  # below the folder's size even after the soak removes four reports
RUNS = 10
CLIENTS = 4
THINK = 0.05  # seconds between a client's requests: 4 clients saturating 2 cores starve the
#               indexer (a rebuild took ~50 s instead of ~15); this is still ~40 requests/s
QUERIES = [
    "发展", "乡村振兴", "科技 创新", "就业 民生", '"高质量发展"', '"新质生产力"', "城", "绿",
    '"营商环境" 改革', "教育 OR 医疗", "经济 -农业", '"鲲鹏试验区第1号标记"', "白鹭湾示范点",
]


def _fetch(base: str, path: str, **params) -> tuple[int, str, bytes]:
    url = base + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def _api(base: str, path: str, **params) -> dict:
    status, _, body = _fetch(base, path, **params)
    assert status == 200, (path, params, status)
    return json.loads(body)


def _search_problem(data, size: int) -> str | None:
    """Why ``data`` is not a well-formed first page of at most ``size`` results (None if it is)."""
    if not isinstance(data, dict) or not {"total", "partial_total", "results",
                                          "facets"} <= data.keys():
        return "missing keys"
    total, results = data["total"], data["results"]
    if not isinstance(total, int) or total < 0:
        return f"total {total!r}"
    shown = total + data["partial_total"]  # complete matches, then partial ones
    if not isinstance(results, list) or len(results) != min(size, shown):
        return f"{len(results)} results for total {total} + {data['partial_total']}, size {size}"
    if not isinstance(data["facets"], dict):
        return "facets not an object"
    for hit in results:
        if not (isinstance(hit.get("doc_id"), str) and isinstance(hit.get("paragraph"), int)
                and isinstance(hit.get("text"), str)):
            return f"malformed hit {str(hit)[:200]}"
    return None


class Clients:
    """Threads that search over HTTP without pause and record every request that went wrong."""

    def __init__(self, base: str, count: int):
        self.base, self.done, self.failures = base, 0, []
        self._stop, self._lock = threading.Event(), threading.Lock()
        self._threads = [threading.Thread(target=self._loop, args=(n,)) for n in range(count)]

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join()

    def _loop(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self._stop.is_set():
            q, size = rng.choice(QUERIES), rng.choice((1, 5, 10, 20))
            page = rng.random() < 0.1  # now and then the HTML page, with or without a query
            try:
                if page:
                    status, kind, body = _fetch(self.base, "/", **({"q": q} if seed % 2 else {}))
                    problem = None if "text/html" in kind and b"</html>" in body else "not HTML"
                else:
                    status, _, body = _fetch(self.base, "/api/search", q=q, size=size)
                    problem = _search_problem(json.loads(body), size)
                if status != 200:
                    problem = f"status {status}"
            except urllib.error.HTTPError as e:
                problem = f"status {e.code}: {e.read()[:300]!r}"
            except Exception as e:  # a refused connection, a timeout, a body that is not JSON
                problem = repr(e)
            with self._lock:
                self.done += 1
                if problem:
                    self.failures.append(("/" if page else q, problem))
            self._stop.wait(THINK)


def _doomed(folder: Path) -> list[Path]:
    """The four smallest provincial reports, removed during the soak (the folder stays over
    ``PARALLEL_MIN_MB``)."""
    return sorted(folder.glob("2026_*.txt"), key=lambda p: p.stat().st_size)[:4]


def _gone(i: int) -> str:
    return f"朱鹮保护站第{i}号原件"


@pytest.fixture
def soak_server(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in sorted(PROV.glob("*.txt"))[::2]:
        shutil.copy(path, folder / path.name)
    for i, path in enumerate(_doomed(folder)):  # copies of read-only files
        path.chmod(0o644)
        with path.open("a", encoding="utf-8") as out:
            out.write(f"\n设立{_gone(i)}，加强生态保护。\n")
    port = free_port()
    config = tmp_path / "config.yaml"
    config.write_text(f"index:\n  path: {tmp_path / 'ix'}\n  folders: [{folder}]\n"
                      f"  processes: 2\n  parallel_min_mb: {PARALLEL_MIN_MB}\n"
                      f"server:\n  port: {port}\n  workers: 3\n", "utf-8")
    index_reports(make_settings(tmp_path / "ix", [folder], index__processes=2,
                                index__parallel_min_mb=PARALLEL_MIN_MB))
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "indexer.cli", "serve", "--config", str(config)]
    with running_server(command, port, log) as (base, _):
        yield base, config, folder, log


def _run_indexer(config: Path, rebuild: bool) -> tuple[dict, int]:
    """One `report-search index` run in its own process: its JSON summary and peak workers."""
    args = [sys.executable, "-m", "indexer.cli", "index", "--json", "--config", str(config)]
    proc = subprocess.Popen(args + (["--rebuild"] if rebuild else []),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, spawned_children(proc.pid))
        time.sleep(0.02)
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()[-2000:]
    return json.loads(out), peak


def _marker(i: int) -> str:
    return f"鲲鹏试验区第{i}号标记"


def _change(i: int) -> str:
    return f"白鹭湾示范点第{i}号修改"


def _mutate(folder: Path, step: int, originals: list[Path], doomed: list[Path]) -> dict:
    """Add a report, change one, and (after the first step) remove one; the expected counts."""
    (folder / f"soak_new_{step}.txt").write_text(
        f"某市20{10 + step}年政府工作报告\n一、总体情况\n今年设立{_marker(step)}，推进改革。\n"
        "二、下一步工作\n继续扩大开放，稳定就业。\n", "utf-8")
    target = originals[step]
    with target.open("a", encoding="utf-8") as out:
        out.write(f"\n建设{_change(step)}，改善人居环境。\n")
    removed = 0
    if step % 2:  # before an incremental run: remove the report added one step earlier
        (folder / f"soak_new_{step - 1}.txt").unlink()
        removed = 1
    elif step:  # before a rebuild: remove one of the original reports
        doomed[step // 2 - 1].unlink()
    return {"added": 1, "updated": 1, "removed": removed}


def test_soak_search_under_ten_index_runs(soak_server, tmp_path):
    base, config, folder, log = soak_server
    doomed = _doomed(folder)
    originals = sorted(set(folder.glob("2026_*.txt")) - set(doomed))[:RUNS]
    for path in originals:
        path.chmod(0o644)
    ids = {d["path"]: d["doc_id"] for d in _api(base, "/api/documents")["documents"]}
    doomed_ids = [ids[p.name] for p in doomed]  # paths relative to the indexed folder
    for i in range(len(doomed)):
        assert _api(base, "/api/search", q=f'"{_gone(i)}"')["total"] == 1
    timings = []

    with Clients(base, CLIENTS) as clients:
        time.sleep(1)
        before = clients.done
        started = time.monotonic()
        for step in range(RUNS):
            rebuild = step % 2 == 0
            expected = _mutate(folder, step, originals, doomed)
            t0 = time.monotonic()
            if rebuild:
                size = sum(p.stat().st_size for p in folder.glob("*.txt"))
                assert size >= PARALLEL_MIN_MB * 1_000_000
            summary, workers = _run_indexer(config, rebuild)
            timings.append(round(time.monotonic() - t0, 1))
            assert summary["failed"] == []
            if rebuild:
                assert summary["rebuilt"] and workers == 2
                files = len(list(folder.glob("*.txt")))
                read = summary["added"] + summary["updated"] + summary["unchanged"]
                assert read == summary["documents"] == files and summary["kept"] == 0
            else:
                got = {k: summary[k] for k in expected}
                assert got == expected and not summary["rebuilt"] and workers == 0
        during = clients.done - before
        seconds = time.monotonic() - started
        time.sleep(1)  # requests that straddle the last run's publish

    print(f"\nsoak: {RUNS} index runs in {seconds:.0f} s {timings}; {during} requests "
          f"during them ({during / seconds:.0f}/s), {clients.done} in all")
    assert clients.failures == [], clients.failures[:10]
    assert during >= 200
    # No web worker died and was replaced while under load.
    assert log.read_text().count("Booting worker") == 3, log.read_text()[-3000:]

    t0 = time.monotonic()
    fresh = tmp_path / "fresh"
    # One process (under the default 2 MB): the parallel runs must equal the plain path.
    index_reports(make_settings(fresh, [folder]))
    print(f"fresh rebuild of the final folder: {time.monotonic() - t0:.0f} s")
    reader = IndexReader(make_settings(fresh, [folder]))
    try:
        want = {d["path"]: d["paragraph_count"] for d in reader.documents()}
        want_paragraphs = reader.status()["paragraphs"]
    finally:
        reader.close()
    files = {p.name for p in folder.glob("*.txt")}  # as /api/documents gives them
    assert set(want) == files
    for _ in range(12):  # each request may land on another gunicorn worker
        got = {d["path"]: d["paragraph_count"] for d in _api(base, "/api/documents")["documents"]}
        assert got == want
        health = _api(base, "/api/health")
        assert (health["documents"], health["paragraphs"]) == (len(files), want_paragraphs)
        for step in range(RUNS):
            survives = step % 2 == 1  # an even step's report is removed at the next step
            assert _api(base, "/api/search", q=f'"{_marker(step)}"')["total"] == survives, step
            assert _api(base, "/api/search", q=f'"{_change(step)}"')["total"] == 1, step
        for i, doc_id in enumerate(doomed_ids):
            assert _api(base, "/api/search", q=f'"{_gone(i)}"')["total"] == 0
            with pytest.raises(urllib.error.HTTPError) as e:
                _fetch(base, f"/api/documents/{doc_id}")
            assert e.value.code == 404
            e.value.close()


# Two defects the soak's final checks ran into, pinned down on the small seeds index.


def test_search_total_does_not_depend_on_page_size(seeds_reader):
    """The total counts every matching paragraph, however few of them the page shows."""
    for query in ("镇", "发展", "科技 创新", "教育 OR 医疗", "经济 -农业"):
        totals = {size: seeds_reader.search(query, size=size).total for size in (1, 10, 100)}
        assert set(totals.values()) == {seeds_reader.search(query, size=10_000).total}, (
            query, totals)


def test_search_filter_on_removed_document_matches_nothing(seeds_reader):
    """A link filtered on a report that has since been removed (or a year or section that no
    report has) must find nothing, not everything: an empty allow-set is not 'no filter'."""
    everything = seeds_reader.search('"乡村振兴"').total
    assert everything > 0
    assert seeds_reader.search('"乡村振兴"', doc=["0" * 16]).total == 0
    assert seeds_reader.search('"乡村振兴"', year=["1800"]).total == 0
    assert seeds_reader.search('"乡村振兴"', section=["没有这个标题"]).total == 0
