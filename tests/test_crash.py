"""SIGKILL during indexing: the previous index stays searchable and the next run completes."""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SEEDS, SHARED, make_settings
from indexer.search import IndexReader
from indexer.writer import index_reports

CORPUS = SHARED / "corpus" / "prov2026"


def _write_config(path: Path, index_dir: Path, folder: Path) -> None:
    path.write_text(f"index:\n  path: {index_dir}\n  folders: [{folder}]\n", "utf-8")


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


@pytest.fixture
def corpus_workspace(tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    source = CORPUS if CORPUS.is_dir() else SEEDS
    for i, path in enumerate(sorted(source.glob("*.txt"))[:12]):
        shutil.copy(path, folder / f"corpus_{i:02d}.txt")
    settings = make_settings(tmp_path / "index", [folder])
    config = tmp_path / "config.yaml"
    _write_config(config, tmp_path / "index", folder)
    return folder, settings, config


@pytest.mark.parametrize("delay", [0.6, 1.2, 1.8, 2.6, 3.5])
def test_kill_during_rebuild_keeps_previous_index(corpus_workspace, delay):
    folder, settings, config = corpus_workspace
    first = index_reports(settings)
    before = _state(settings)
    assert before[0] == first.added

    _kill_after(config, delay, "--rebuild")
    assert _state(settings) == before  # the old index answers, unchanged

    again = index_reports(settings, rebuild=True)
    assert again.added == first.added and not again.failed
    assert _state(settings) == before


@pytest.mark.parametrize("delay", [0.8, 1.6, 2.4])
def test_kill_during_incremental_update(corpus_workspace, delay):
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
    assert final.added + final.skipped == 17
    docs, paragraphs, _ = _state(settings)
    assert docs == 17
    clean = index_reports(settings.replace(index__path=str(folder.parent / "clean")))
    assert paragraphs == clean.paragraphs


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
