"""SIGKILL during indexing: the previous index stays searchable and the next run completes.

Two rebuild paths are killed: the single-process one (the seeds and 12 prov2026 reports, under
``index.parallel_min_mb``'s default of 2 MB) and the parallel one (spawned worker processes, one
segment each), the latter at 20 moments spread over a whole rebuild. The parallel folder is 29
wikisource_gwr reports, 248 kB, with ``parallel_min_mb: 0.2``: a rebuild of a few seconds, so the
20 kills stay quick on a busy machine; the whole corpus is the benchmark's.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from filelock import FileLock

from conftest import CORPORA, SEEDS, make_settings, spawned_children
from indexer import store
from indexer.search import IndexReader
from indexer.writer import index_reports

CORPUS = CORPORA / "prov2026"
NATIONAL = CORPORA / "wikisource_gwr"


def _write_config(path: Path, index_dir: Path, folder: Path, extra: str = "") -> None:
    path.write_text(f"index:\n  path: {index_dir}\n  folders: [{folder}]\n{extra}", "utf-8")


def _kill_after(config: Path, delay: float, *args: str) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "index", "--config", str(config), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


def _state(settings):
    reader = IndexReader(settings)
    try:
        info = reader.status()
        return info["documents"], info["paragraphs"], reader.search('"乡村振兴"').total
    finally:
        reader.close()


def _lock_is_free(root: Path) -> bool:
    """The writer's lock can be taken at once (the OS released it with the killed process)."""
    lock = FileLock(str(root / store.LOCK))
    try:
        lock.acquire(timeout=0)
    except TimeoutError:  # filelock.Timeout is a TimeoutError
        return False
    lock.release()
    return True


def _make_corpus_folder(folder: Path) -> None:
    shutil.copytree(SEEDS, folder)
    for i, path in enumerate(sorted(CORPUS.glob("*.txt"))[:12]):
        shutil.copy(path, folder / f"corpus_{i:02d}.txt")


@pytest.fixture
def corpus_workspace(tmp_path):
    folder = tmp_path / "reports"
    _make_corpus_folder(folder)
    settings = make_settings(tmp_path / "index", [folder])
    config = tmp_path / "config.yaml"
    _write_config(config, tmp_path / "index", folder)
    return folder, settings, config


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    """The 17-report folder (below the parallel threshold), indexed once for the module."""
    base = tmp_path_factory.mktemp("small")
    folder = base / "reports"
    _make_corpus_folder(folder)
    settings = make_settings(base / "index", [folder])
    config = base / "config.yaml"
    _write_config(config, base / "index", folder)
    first = index_reports(settings)
    before = _state(settings)
    assert before[0] == first.added == 17
    return settings, config, before


@pytest.mark.parametrize("delay", [0.6, 1.2, 1.8, 2.6, 3.5])
def test_kill_during_rebuild_keeps_previous_index(small_index, delay):
    settings, config, before = small_index
    _kill_after(config, delay, "--rebuild")
    assert _state(settings) == before  # the old index answers, unchanged
    assert _lock_is_free(Path(settings["index.path"]))


def test_rebuild_after_kills_completes(small_index):
    settings, _, before = small_index
    again = index_reports(settings, rebuild=True)
    assert again.unchanged == 17 and not again.failed  # every report re-read, none new
    assert _state(settings) == before


@pytest.mark.parametrize("delay", [0.8, 1.6, 2.4])
def test_kill_during_incremental_update(corpus_workspace, small_index, delay):
    folder, settings, config = corpus_workspace
    for path in sorted(folder.glob("corpus_*.txt"))[6:]:
        path.rename(path.with_suffix(".hold"))
    index_reports(settings)
    before = _state(settings)
    for path in sorted(folder.glob("corpus_*.hold")):
        path.rename(path.with_suffix(".txt"))

    _kill_after(config, delay)
    after_kill = _state(settings)  # opens and answers: either the old or the new state
    assert after_kill[0] in range(before[0], before[0] + 7)

    final = index_reports(settings)
    assert not final.failed
    assert final.added + final.unchanged == 17
    # The same 17 reports, indexed from scratch once for the module.
    assert _state(settings) == small_index[2]


def test_search_during_index_runs_never_fails(corpus_workspace):
    """A reader refreshing and searching in a loop while another process rebuilds and updates."""
    folder, settings, config = corpus_workspace
    index_reports(settings)
    reader = IndexReader(settings)
    cmd = [sys.executable, "-m", "indexer.cli", "index", "--config", str(config)]
    writers = [
        subprocess.Popen([*cmd, "--rebuild"], stdout=subprocess.DEVNULL),
    ]
    searches, generations = 0, set()
    try:
        for step in range(3):
            while any(w.poll() is None for w in writers):
                reader.refresh()
                generations.add(reader.generation)
                page = reader.search('"乡村振兴" 发展', size=5)
                assert page.total >= 1
                searches += 1
            assert all(w.returncode == 0 for w in writers)
            (folder / f"extra_{step}.txt").write_text(
                f"某镇202{step}年工作总结\n推进乡村振兴发展，第{step}次更新。\n", "utf-8")
            writers = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL)]
        for w in writers:
            w.wait()
        reader.refresh()
        assert reader.search('"第2次更新"').total == 1
    finally:
        reader.close()
    assert searches > 20 and len(generations) >= 2


# --- The parallel rebuild, killed at 20 moments ---------------------------------------------

# Four moments are events, because their windows are too narrow to hit by time: the first
# worker process has just been spawned; 0.1 s later, while the workers import (before they ask
# the kernel to kill them with their parent); the new table of contents is written but not yet
# published; the new generation has just been published. The other 16 are spread from 3% to
# 90% of the measured rebuild: start-up, parsing, worker indexing, segment finalising.
FRACTIONS = [round(0.03 + i * (0.90 - 0.03) / 15, 3) for i in range(16)]
MOMENTS = ["spawned", "workers-starting", *FRACTIONS, "toc-written", "published"]
QUERIES = ['"政府工作报告"', "社会主义 建设", '"人民代表大会"', "国", "经济 -农业", "粮食 OR 钢铁"]
ALL = 100_000  # a page larger than the index: totals exact even where a small page undercounts
MARK = "REPORT_SEARCH_CRASH_RUN"  # in the environment of a killed run and all its children


def _full_state(settings) -> dict:
    reader = IndexReader(settings)
    try:
        info = reader.status()
        return {
            "documents": info["documents"], "paragraphs": info["paragraphs"],
            "per_document": {d["doc_id"]: d["paragraph_count"] for d in reader.documents()},
            "totals": {q: reader.search(q, size=ALL).total for q in QUERIES},
        }
    finally:
        reader.close()


def _marked(token: str) -> dict[int, str]:
    """Processes (pid -> command line) carrying ``token`` in their environment."""
    needle = f"{MARK}={token}".encode()
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if needle in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
                found[int(entry)] = cmd.decode(errors="replace")[:120]
        except OSError:  # gone meanwhile, or not ours
            pass
    return found


def _new_toc(root: Path, since: float) -> bool:
    """A generation other than the current one has a committed table of contents written after
    ``since`` (a killed run's leftover may have the same name: the run reuses the number)."""
    current = os.readlink(root / store.CURRENT)
    for path in root.iterdir():
        if store.GEN_RE.match(path.name) and path.name != current:
            try:
                for name in os.listdir(path):
                    if re.match(r"^_MAIN_[1-9]\d*\.toc$", name) and (
                            (path / name).stat().st_mtime >= since):
                        return True
            except OSError:
                pass
    return False


# The real indexer, which stops itself (SIGSTOP) just before or just after it publishes the new
# generation; the test then kills it there. Polled from outside, those windows (a few ms) were
# missed on a busy machine: the rebuild ended before the poll saw its table of contents.
_STOP_AT_PUBLISH = """
import os, signal, sys
from indexer import cli, store
when, publish = sys.argv.pop(1), store.publish
def stopping_publish(root, gen_dir):
    if when == "before":
        os.kill(os.getpid(), signal.SIGSTOP)
    publish(root, gen_dir)
    if when == "after":
        os.kill(os.getpid(), signal.SIGSTOP)
store.publish = stopping_publish
cli.main()
"""


def _stopped(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2] == "T"


def _rebuild_killed_at(config: Path, root: Path, moment, duration: float, token: str):
    """Start a rebuild and SIGKILL it at ``moment``: (seconds it ran, whether it was killed,
    whether a new generation was published)."""
    env = dict(os.environ, **{MARK: token})
    current = os.readlink(root / store.CURRENT)
    started, wall = time.monotonic(), time.time()
    args = ["index", "--rebuild", "--config", str(config)]
    at_publish = {"toc-written": "before", "published": "after"}.get(moment)
    command = ([sys.executable, "-c", _STOP_AT_PUBLISH, at_publish] if at_publish
               else [sys.executable, "-m", "indexer.cli"]) + args
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env)
    try:
        if isinstance(moment, float):
            proc.wait(timeout=moment * duration)
        else:
            reached = {
                "spawned": lambda: spawned_children(proc.pid),
                "workers-starting": lambda: spawned_children(proc.pid),
                "toc-written": lambda: _stopped(proc.pid),
                "published": lambda: _stopped(proc.pid),
            }[moment]
            while not reached():
                assert proc.poll() is None, f"the rebuild ended before {moment}"
                time.sleep(0.0005)
            if moment == "workers-starting":
                time.sleep(0.1)
            elif moment == "toc-written":
                assert _new_toc(root, wall) and os.readlink(root / store.CURRENT) == current
            elif moment == "published":
                assert os.readlink(root / store.CURRENT) != current
    except subprocess.TimeoutExpired:
        pass
    finally:
        killed = proc.poll() is None
        proc.kill()
        code = proc.wait()
    ran = time.monotonic() - started
    assert code == (-signal.SIGKILL if killed else 0), code
    return ran, killed, os.readlink(root / store.CURRENT) != current


def _parallel_files() -> list[Path]:
    """Every wikisource_gwr report under 40 kB (the 20 NPC resolutions, early CPC reports, the
    1960, 1975 and 1980 reports) and the 1954 report, in traditional characters."""
    return [p for p in sorted(NATIONAL.glob("*.txt"))
            if p.stat().st_size < 40_000 or p.name.startswith("GWR_1954_")]


@pytest.fixture(scope="module")
def parallel_index(tmp_path_factory):
    """The 29 reports indexed once by `report-search index --rebuild`, which is also timed."""
    base = tmp_path_factory.mktemp("parallel")
    folder, root = base / "reports", base / "index"
    folder.mkdir()
    for path in _parallel_files():
        shutil.copy(path, folder / path.name)
    # Over the threshold below, so the rebuild takes the parallel path being killed here.
    assert sum(p.stat().st_size for p in folder.glob("*.txt")) >= 200_000
    config = base / "config.yaml"
    _write_config(config, root, folder, "  processes: 2\n  parallel_min_mb: 0.2\n")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "indexer.cli", "index", "--rebuild", "--config",
                    str(config)], check=True, capture_output=True)
    duration = time.monotonic() - started
    settings = make_settings(root, [folder])
    baseline = _full_state(settings)
    assert baseline["documents"] == 29
    assert all(baseline["totals"].values()), baseline["totals"]  # every query compares something
    print(f"\nparallel rebuild of 29 reports: {duration:.1f} s")
    return settings, config, baseline, {"duration": duration}


@pytest.mark.parametrize("moment", MOMENTS, ids=[f"{m:.0%}" if isinstance(m, float) else m
                                                 for m in MOMENTS])
def test_kill_parallel_rebuild_keeps_a_complete_index(parallel_index, moment):
    settings, config, baseline, timing = parallel_index
    root = Path(settings["index.path"])
    token = uuid.uuid4().hex
    try:
        for _ in range(2):
            ran, killed, published = _rebuild_killed_at(config, root, moment,
                                                         timing["duration"], token)
            if killed:
                break
            # Other load on the machine eased since the rebuild was timed: it finished before
            # its moment. It must have left a complete index; time it anew and kill again.
            assert _full_state(settings) == baseline
            timing["duration"] = ran
        assert killed, f"the rebuild finished twice before {moment:.0%} of its duration"
        # Workers are to die with their parent; the resource tracker follows when they are gone.
        deadline = time.monotonic() + 1.5
        while (left := _marked(token)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert left == {}, "processes of the killed rebuild still alive 1.5 s after the kill"
    finally:
        for pid in _marked(token):  # ours: started by this test, never let them outlive it
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    print(f" killed after {ran:.1f} s ({'new' if published else 'previous'} generation)",
          end="")
    assert _lock_is_free(root)
    # The previous generation, or (killed after publishing) the new one: complete either way.
    assert _full_state(settings) == baseline


def test_normal_run_after_parallel_kills(parallel_index):
    """After the kills, `report-search index` runs without waiting, changes nothing and cleans
    up the generations the killed rebuilds left."""
    settings, config, baseline, _ = parallel_index
    root = Path(settings["index.path"])
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "index", "--config",
                           str(config)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "0 added, 0 updated, 0 removed, 29 unchanged, 0 skipped, 0 failed" in done.stdout
    assert time.monotonic() - started < settings["index.lock_timeout"]
    assert _full_state(settings) == baseline
    gens = sorted(p.name for p in root.iterdir() if store.GEN_RE.match(p.name))
    assert len(gens) <= 2 and os.readlink(root / store.CURRENT) in gens
