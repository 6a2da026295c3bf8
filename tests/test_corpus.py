"""The real reports the tests and the benchmark use are in the repo, complete, and nothing reads
them from beside the checkout (``../shared`` exists beside CI, not beside a user's clone)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CORPORA, ROOT
from indexer.config import load_settings

# (folder, documents, characters), as tests/corpus/README.md gives them.
FOLDERS = [("prov2026", 31, 609_939), ("wikisource_gwr", 88, 1_476_574)]

# Ways code has reached the folder beside the repo: a relative or absolute path, or a parent
# folder joined with "shared".
OUTSIDE = re.compile(
    r"\.\./shared"
    r"|/work/shared"
    r"|\.parent\s*/\s*[\"']shared\b"
    r"|[\"']\.\.[\"']\s*,\s*[\"']shared\b"
)


@pytest.mark.parametrize("name, documents, characters", FOLDERS)
def test_corpus_folder_holds_the_documented_reports(name, documents, characters):
    files = sorted((CORPORA / name).glob("*.txt"))
    assert len(files) == documents
    assert sum(len(p.read_text("utf-8")) for p in files) == characters


def test_corpus_readme_names_every_folder():
    readme = (CORPORA / "README.md").read_text("utf-8")
    for name, documents, characters in FOLDERS:
        assert f"| `{name}/` | {documents} | {characters:,} |" in readme, name


def test_corpus_is_not_indexed_by_default():
    assert load_settings(None)["index.folders"] == ["seeds"]


def test_no_code_reads_the_folder_beside_the_repo():
    offenders = []
    for top in ("indexer", "webui", "tests"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if path == Path(__file__).resolve():  # the examples below
                continue
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if OUTSIDE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("line", [
    'MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"',
    'pytest.skip("needs /work/shared/corpus/wikisource_gwr")',
    "folder = '../shared/corpus'",
    'os.path.join(here, "..", "shared", "corpus")',
])
def test_no_code_check_catches_each_way(line):
    assert OUTSIDE.search(line)
