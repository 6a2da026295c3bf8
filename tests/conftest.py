"""Shared fixtures: the seed reports, settings pointing at a temporary index, a built seeds index."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from indexer.config import load_settings
from indexer.reports import parse_report
from indexer.search import IndexReader
from indexer.writer import cleaner_for, index_reports

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# Real reports for scale, crash and relevance tests, in the repo: see tests/corpus/README.md.
CORPORA = ROOT / "tests" / "corpus"


def make_settings(index_dir, folders=(), **overrides):
    settings = load_settings(None).replace(
        index__path=str(index_dir), index__folders=[str(f) for f in folders], **overrides
    )
    return settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawned_children(pid: int) -> int:
    """How many multiprocessing "spawn" children ``pid`` has right now."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    count = 0
    for child in children:
        try:
            count += b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:  # gone meanwhile
            pass
    return count


@contextlib.contextmanager
def running_server(command: list[str], port: int, log: Path, timeout: float = 30):
    """The server ``command`` starts, once it answers /api/health: (base URL, process).
    Stopped with SIGTERM, as an operator would; its stderr goes to ``log``."""
    with log.open("wb") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(base + "/api/health", timeout=10).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("gunicorn did not start: " + log.read_text("utf-8", "replace")[-2000:])
                time.sleep(0.2)
        yield base, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def hostile_client(tmp_path):
    """A test client over an index of one report that contains an HTML <script> element."""
    from webui import create_app

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "x.txt").write_text("某镇2020年工作总结\n测试<script>alert(1)</script>内容。\n", "utf-8")
    settings = make_settings(tmp_path / "ix", [folder])
    index_reports(settings)
    return create_app({"TESTING": True, "SETTINGS": settings}).test_client()


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_reports(seed_files):
    cleaner = cleaner_for(load_settings(None))
    return {p.name[:3]: parse_report(p.read_text("utf-8"), p.name, cleaner) for p in seed_files}


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory):
    """Settings for an index of the seeds, built once for the session (do not write to it)."""
    base = tmp_path_factory.mktemp("seeds-index")
    folder = base / "seeds"
    shutil.copytree(SEEDS, folder)
    settings = make_settings(base / "index", [folder])
    summary = index_reports(settings)
    assert summary.added == 5 and not summary.failed
    return settings


@pytest.fixture(scope="session")
def seeds_reader(seeds_index):
    reader = IndexReader(seeds_index)
    yield reader
    reader.close()


@pytest.fixture
def workspace(tmp_path):
    """A folder of reports (a copy of the seeds) and settings for a fresh index of it."""
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    return folder, make_settings(tmp_path / "index", [folder])


@pytest.fixture(scope="session")
def seeds_client(seeds_index):
    """A Flask test client over the session's seeds index."""
    from webui import create_app

    return create_app({"TESTING": True, "SETTINGS": seeds_index}).test_client()


@pytest.fixture(scope="session")
def spec(seeds_client):
    return seeds_client.get("/api/openapi.json").get_json()
