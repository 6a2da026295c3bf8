"""Shared fixtures: the seed reports, settings pointing at a temporary index, a built seeds index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.config import load_settings
from indexer.reports import parse_report
from indexer.search import IndexReader
from indexer.writer import cleaner_for, index_reports

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


def make_settings(index_dir, folders=(), **overrides):
    settings = load_settings(None).replace(
        index__path=str(index_dir), index__folders=[str(f) for f in folders], **overrides
    )
    return settings


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
