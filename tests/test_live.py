"""gunicorn with several workers, re-indexed from another process while requests run."""

import contextlib
import json
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

from conftest import ROOT, SEEDS, free_port, running_server

EXE = ROOT / ".venv" / "bin" / "report-search"


def get(base: str, path: str, **params):
    url = f"{base}{path}?{urllib.parse.urlencode(params)}" if params else base + path
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def cli(*args) -> list[str]:
    exe = str(EXE) if EXE.exists() else shutil.which("report-search")
    return [exe or sys.executable, *args] if exe else [sys.executable, "-m", "indexer.cli", *args]


@contextlib.contextmanager
def seeds_server(tmp_path, workers: int = 3, server_yaml: str = ""):
    """gunicorn over an index of a copy of the seeds: (base URL, config, folder, process)."""
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    config = tmp_path / "config.yaml"
    port = free_port()
    config.write_text(
        f"index:\n  path: {tmp_path / 'ix'}\n  folders: [{folder}]\n"
        f"server:\n  port: {port}\n  workers: {workers}\n{server_yaml}", "utf-8")
    subprocess.run(cli("index", "--config", str(config)), check=True, capture_output=True)
    with running_server(cli("serve", "--config", str(config)), port,
                        tmp_path / "gunicorn.log") as (base, proc):
        yield base, config, folder, proc


@pytest.fixture
def server(tmp_path):
    with seeds_server(tmp_path) as running:
        yield running


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_live_reindex_under_load_zero_failures(server):
    base, config, folder, proc = server
    failures, answers, stop = [], [], threading.Event()

    def client(query):
        while not stop.is_set():
            try:
                status, data = get(base, "/api/search", q=query, size=5)
                if status != 200 or "results" not in data:
                    failures.append((status, data))
                answers.append(data["total"])
            except Exception as e:  # any failed request counts
                failures.append(repr(e))

    threads = [threading.Thread(target=client, args=(q,))
               for q in ['"乡村振兴"', "户户通 OR 独角兽", "镇", '"独角兽企业"']]
    for t in threads:
        t.start()
    try:
        time.sleep(1)
        (folder / "new.txt").write_text(
            "某镇2023年工作总结\n一、招商引资\n引进独角兽企业一家。\n", "utf-8")
        subprocess.run(cli("index", "--config", str(config)), check=True, capture_output=True)
        time.sleep(1)
        subprocess.run(cli("index", "--rebuild", "--config", str(config)), check=True,
                       capture_output=True)
        (folder / "001_08bf47aa1978b9d7.txt").unlink()
        subprocess.run(cli("index", "--config", str(config)), check=True, capture_output=True)
        time.sleep(1)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    assert len(answers) > 50
    # Every worker now serves the new state: the new report is there, the removed one is gone.
    for _ in range(30):
        assert get(base, "/api/search", q='"独角兽企业"')[1]["total"] == 1
        assert get(base, "/api/search", q='"一带一园五区"')[1]["total"] == 0
        assert get(base, "/api/health")[1]["documents"] == 5


def memory_mb(pid: int) -> dict[str, float]:
    """Rss, Pss, Shared_Clean, Private_Dirty, ... of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        out[name.rstrip(":")] = int(value) / 1024
    return out


def shared_and_private_mb(pid: int) -> tuple[float, float]:
    m = memory_mb(pid)
    return m["Shared_Clean"] + m["Shared_Dirty"], m["Private_Clean"] + m["Private_Dirty"]


def test_live_analyzer_loaded_before_fork(server):
    """--preload: jieba's dictionary lives in the master, so workers share it after fork."""
    base, _, _, proc = server
    deadline = time.monotonic() + 20
    while len(pids := worker_pids(proc.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)  # health answers as soon as the first worker is up
    assert len(pids) == 3
    for _ in range(10):
        assert get(base, "/api/search", q="乡村振兴 户户通")[0] == 200
    master = rss_mb(proc.pid)
    assert master > 80, master  # an unloaded Flask master is about 40 MB
    # Each worker still shares the master's pages (jieba's dictionary is most of them): with
    # the app loaded in each worker instead, about 100 MB of each worker is its own.
    for pid in pids:
        shared, private = shared_and_private_mb(pid)
        print(f"\nworker {pid}: shared {shared:.0f} MB, private {private:.0f} MB "
              f"(master RSS {master:.0f} MB)")
        assert shared > 60 and private < shared / 3, (shared, private)
