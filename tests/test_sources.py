"""The sources of an index: every file and folder it was given is remembered, a rebuild reads
them all, a source that disappears is reported and kept until --prune, and every failure shows
in the exit code. Through the real CLI where the exit code is the behaviour."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_files import without_root_file_access

from conftest import ROOT, SEEDS, make_settings
from indexer import store
from indexer.cli import main
from indexer.errors import SourceNotFoundError
from indexer.search import IndexReader
from indexer.writer import forget_sources, index_reports

EXTRA = {
    "a.txt": "某镇2023年工作总结\n一、招商引资\n引进独角兽企业一家。\n",
    "b.txt": "某村2023年工作计划\n一、人居环境\n完成蓝莓种植基地三百亩。\n",
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`report-search ARGS` in a real process (its exit code is what a script sees)."""
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=300)


def state(settings) -> tuple[int, dict]:
    reader = IndexReader(settings)
    try:
        info = reader.status()
        return info["documents"], {s["path"]: s["documents"] for s in info["sources"]}
    finally:
        reader.close()


def found(settings, query: str) -> int:
    reader = IndexReader(settings)
    try:
        return reader.search(query).total
    finally:
        reader.close()


@pytest.fixture
def place(tmp_path):
    """The issue's set-up: seeds configured, a folder of extra reports beside them."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    extra = tmp_path / "extra"
    extra.mkdir()
    for name, text in EXTRA.items():
        (extra / name).write_text(text, "utf-8")
    config = tmp_path / "config.yaml"
    config.write_text("index:\n  path: idx\n  folders: [seeds]\n", "utf-8")
    return tmp_path, seeds, extra, config, make_settings(tmp_path / "idx", [seeds])


def test_rebuild_rereads_every_source_given(place):
    tmp, seeds, extra, config, settings = place
    assert run("index", "--config", str(config)).returncode == 0
    assert run("index", "--config", str(config), str(extra)).returncode == 0
    rebuilt = run("index", "--rebuild", "--json", "--config", str(config))
    assert rebuilt.returncode == 0, rebuilt.stderr
    summary = json.loads(rebuilt.stdout)
    assert (summary["added"], summary["unchanged"], summary["removed"]) == (0, 7, 0)
    assert summary["sources"] == [str(seeds), str(extra)]
    assert state(settings) == (7, {str(seeds): 5, str(extra): 2})
    assert found(settings, '"独角兽企业"') == 1


def test_automatic_rebuild_after_settings_change_keeps_sources(place):
    tmp, seeds, extra, _, settings = place
    index_reports(settings)
    index_reports(settings, [extra / "a.txt"])  # a single file is a source too
    changed = settings.replace(analysis__extra_user_words=["蓝莓种植基地"])
    summary = index_reports(changed)
    assert summary.rebuilt and "settings" in summary.rebuild_reason
    assert (summary.unchanged, summary.removed) == (6, 0)
    assert found(changed, '"独角兽企业"') == 1


def test_incremental_run_without_paths_reads_remembered_sources(place):
    tmp, seeds, extra, _, settings = place
    index_reports(settings)
    index_reports(settings, [extra])
    (extra / "c.txt").write_text("某镇2024年工作总结\n新建智慧农业大棚八座。\n", "utf-8")
    summary = index_reports(settings)
    assert (summary.added, summary.unchanged) == (1, 7)
    assert found(settings, '"智慧农业大棚"') == 1


def test_vanished_source_reported_and_kept_until_prune(place):
    tmp, seeds, extra, config, settings = place
    run("index", "--config", str(config))
    run("index", "--config", str(config), str(extra))
    shutil.rmtree(extra)

    kept = run("index", "--config", str(config))
    assert kept.returncode == 3, kept.stderr
    assert f"failed: {extra}: no longer exists; documents from it are kept until --prune" in kept.stderr
    assert state(settings)[0] == 7

    rebuilt = run("index", "--rebuild", "--json", "--config", str(config))
    assert rebuilt.returncode == 3
    summary = json.loads(rebuilt.stdout)
    assert (summary["kept"], summary["missing"], summary["removed"]) == (2, [str(extra)], 0)
    assert found(settings, '"独角兽企业"') == 1  # carried into the new generation, searchable

    status = run("status", "--config", str(config))
    assert f"  {extra}  2 documents  (gone" in status.stdout
    assert f"  {seeds}  5 documents  (index.folders)" in status.stdout

    pruned = run("index", "--prune", "--json", "--config", str(config))
    assert pruned.returncode == 0, pruned.stderr
    summary = json.loads(pruned.stdout)
    assert (summary["removed"], summary["forgotten"]) == (2, [str(extra)])
    assert f"removed source: {extra}" in pruned.stderr
    assert state(settings) == (5, {str(seeds): 5})


def test_rebuild_keeps_a_document_whose_file_fails(place):
    """An incremental run keeps the old records of a file it cannot read; so does a rebuild."""
    tmp, seeds, extra, _, settings = place
    index_reports(settings, [extra])
    (extra / "a.txt").write_bytes(b"\x81\x20" * 10)  # no longer decodable
    summary = index_reports(settings, rebuild=True)
    assert [os.path.basename(p) for p, _ in summary.failed] == ["a.txt"]
    assert (summary.kept, summary.documents) == (1, 7)
    assert found(settings, '"独角兽企业"') == 1


def test_index_made_before_sources_were_remembered_adopts_its_files(place):
    tmp, seeds, extra, _, settings = place
    index_reports(settings)
    index_reports(settings, [extra])
    gen_dir = store.current_dir(settings["index.path"])
    meta = json.loads((gen_dir / store.META).read_text("utf-8"))
    del meta["sources"]
    (gen_dir / store.META).write_text(json.dumps(meta), "utf-8")
    summary = index_reports(settings, rebuild=True)
    assert (summary.unchanged, summary.kept, summary.removed) == (7, 0, 0)
    assert str(extra / "a.txt") in summary.sources


# -- exit codes and what they say -----------------------------------------------------------

def test_index_outside_the_project_fails_and_creates_nothing(tmp_path):
    done = run("index", cwd=tmp_path)
    assert done.returncode == 1
    assert "nothing to index" in done.stderr and f"seeds ({tmp_path / 'seeds'})" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_index_missing_path_exits_1(tmp_path):
    done = run("index", "--index", str(tmp_path / "idx"), str(tmp_path / "nope"))
    assert done.returncode == 1
    assert f"no such file or folder: {tmp_path / 'nope'}" in done.stderr
    assert not (tmp_path / "idx").exists()


def test_index_missing_path_beside_good_ones_exits_3(place):
    tmp, seeds, extra, config, settings = place
    done = run("index", "--config", str(config), str(extra), str(tmp / "nope"))
    assert done.returncode == 3
    assert f"failed: {tmp / 'nope'}: no such file or folder" in done.stderr
    assert "2 added" in done.stdout
    assert str(tmp / "nope") not in state(settings)[1]  # not remembered


SUPPORTED = ".txt, .md, .docx, .pdf, .doc, .wps"


def test_unsupported_types_skipped_by_name_and_counted(place):
    tmp, seeds, extra, config, _ = place
    (extra / "plan.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    (extra / "scan.tif").write_bytes(b"II*\x00")
    (extra / ".hidden.docx").write_bytes(b"x")  # hidden files are passed over
    done = run("index", "--json", "--config", str(config), str(extra))
    assert done.returncode == 0, done.stderr
    assert f"skipped: {extra / 'plan.xlsx'}: unsupported file type .xlsx; supported: {SUPPORTED}" \
        in done.stderr
    summary = json.loads(done.stdout)
    assert sorted(s["path"] for s in summary["skipped"]) == [str(extra / "plan.xlsx"),
                                                        str(extra / "scan.tif")]
    line = run("index", "--config", str(config), str(extra)).stdout
    assert "2 unchanged, 2 skipped, 0 failed" in line


def test_unsupported_type_named_directly_fails(place):
    tmp, seeds, extra, config, _ = place
    (extra / "plan.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    done = run("index", "--config", str(config), str(extra / "plan.xlsx"))
    assert done.returncode == 1
    assert f"{extra / 'plan.xlsx'}: unsupported file type .xlsx; supported: {SUPPORTED}" \
        in done.stderr
    assert "binary" not in done.stderr


def test_many_skipped_files_summed_up_by_type(place):
    tmp, seeds, extra, config, _ = place
    for n in range(12):
        (extra / f"photo{n}.jpg").write_bytes(b"\xff\xd8")
    done = run("index", "--config", str(config), str(extra))
    assert "skipped 12 files of unsupported types (.jpg 12); supported: .txt, .md, .docx, .pdf, .doc, .wps" in done.stderr


def test_unreadable_subfolder_is_a_failure(place):
    """A folder that cannot be listed is named and fails the run (exit 3); the rest is indexed.
    Root lists any folder, so as root the indexer runs without the capabilities that allow it."""
    tmp, seeds, extra, config, settings = place
    locked = extra / "locked"
    locked.mkdir()
    (locked / "c.txt").write_text("某镇2024年工作总结\n保密内容。\n", "utf-8")
    locked.chmod(0)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "indexer.cli", "index", "--config", str(config), str(extra)],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
            preexec_fn=without_root_file_access if os.geteuid() == 0 else None,
        )
    finally:
        locked.chmod(0o755)
    assert done.returncode == 3, done.stderr
    assert f"failed: {locked}: cannot read folder (Permission denied)" in done.stderr
    assert "2 added" in done.stdout and "1 failed" in done.stdout


def test_index_help_names_types_and_exit_codes():
    out = CliRunner().invoke(main, ["index", "--help"]).output
    assert "Reads .txt, .md, .docx, .pdf, .doc and .wps files" in out
    assert "need LibreOffice" in out
    assert "3 some files or sources failed" in out and "1 nothing indexed" in out


def test_status_json_lists_sources(place):
    tmp, seeds, extra, config, _ = place
    run("index", "--config", str(config))
    run("index", "--config", str(config), str(extra / "b.txt"))
    info = json.loads(run("status", "--json", "--config", str(config)).stdout)
    assert info["sources"] == [
        {"path": str(seeds), "configured": True, "exists": True, "documents": 5},
        {"path": str(extra / "b.txt"), "configured": False, "exists": True, "documents": 1},
    ]
    meta = json.loads((store.current_dir(tmp / "idx") / store.META).read_text("utf-8"))
    assert meta["sources"] == [str(extra / "b.txt")]  # the config names the configured ones


def test_forget_removes_a_source_and_its_documents(place):
    tmp, seeds, extra, config, settings = place
    run("index", "--config", str(config))
    run("index", "--config", str(config), str(extra))
    done = run("forget", "--config", str(config), str(extra))
    assert done.returncode == 0, done.stderr
    assert f"forgot source: {extra}" in done.stderr and "2 removed" in done.stdout
    assert state(settings) == (5, {str(seeds): 5})
    assert run("index", "--rebuild", "--config", str(config)).returncode == 0
    assert state(settings)[0] == 5  # not read again


def test_forget_refuses_a_configured_folder_and_unknown_paths(place):
    tmp, seeds, extra, config, _ = place
    run("index", "--config", str(config))
    configured = run("forget", "--config", str(config), str(seeds))
    assert configured.returncode == 1 and "inside index.folders" in configured.stderr
    unknown = run("forget", "--config", str(config), str(extra))
    assert unknown.returncode == 1 and "not a source of the index" in unknown.stderr


def test_unmounted_source_stays_remembered_and_is_read_when_back(place):
    """A source reached through a link whose target is gone (an unmounted disk) is missing,
    not a failed file: remembered, and read again when it is back."""
    tmp, seeds, extra, _, settings = place
    link = tmp / "mounted"
    link.symlink_to(extra)
    index_reports(settings, [link])
    link.unlink()
    link.symlink_to(tmp / "not-mounted")
    gone = index_reports(settings, rebuild=True)
    assert (gone.missing, gone.kept) == ([str(link)], 2)
    link.unlink()
    link.symlink_to(extra)
    (extra / "c.txt").write_text("某镇2024年工作总结\n新建智慧农业大棚八座。\n", "utf-8")
    back = index_reports(settings)
    assert back.added == 1 and str(link) in back.sources
    assert found(settings, '"智慧农业大棚"') == 1


def test_document_carried_over_is_reread_when_its_source_returns(place):
    """A rebuild keeps a document from a missing source as it was; once the source is back,
    the next run re-reads it, with the cleaning settings of now."""
    tmp, seeds, extra, _, settings = place
    (extra / "a.txt").write_text("某镇2023年工作总结\n欢迎访问本站\n引进独角兽企业一家。\n", "utf-8")
    index_reports(settings, [extra])
    hidden = extra.rename(tmp / "away")
    cleaner = settings.replace(cleaning__extra_boilerplate=["^欢迎访问本站$"])
    assert index_reports(cleaner).kept == 2  # rebuilt: the cleaning settings changed
    assert found(cleaner, '"欢迎访问"') == 1  # as it was indexed
    hidden.rename(extra)
    back = index_reports(cleaner)
    assert back.updated == 2
    assert found(cleaner, '"欢迎访问"') == 0 and found(cleaner, '"独角兽企业"') == 1


def test_forget_refuses_a_file_inside_a_source(place):
    tmp, seeds, extra, _, settings = place
    index_reports(settings, [extra])
    with pytest.raises(SourceNotFoundError, match=f"lies inside the source {extra}"):
        forget_sources(settings, [extra / "a.txt"])


def test_document_paths_stay_relative_to_a_configured_folder_beside_other_sources(place):
    """meta.json remembers only the paths given; a configured folder is a source all the same,
    so a report in a subfolder of it is shown as "sub/x.txt", not as its bare name."""
    tmp, seeds, extra, _, settings = place
    (seeds / "sub").mkdir()
    (seeds / "sub" / "x.txt").write_text("某镇2024年工作总结\n新建智慧农业大棚八座。\n", "utf-8")
    index_reports(settings)
    index_reports(settings, [extra])
    reader = IndexReader(settings)
    try:
        paths = {d["path"] for d in reader.documents()}
    finally:
        reader.close()
    assert {"sub/x.txt", "a.txt", "b.txt"} <= paths
