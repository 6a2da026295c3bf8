"""Awkward files among the reports: each gets one clear outcome, and none costs the others.

test_writer.py covers the first cases (GBK and BOM files indexed; broken, binary, empty and
blank files reported); this file adds what they leave open.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_writer import hits

from conftest import ROOT, SEEDS
from indexer.search import IndexReader
from indexer.writer import index_reports

SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def failures(summary) -> dict[str, str]:
    """{file name: reason}; every reason names its file."""
    out = {}
    for path, reason in summary.failed:
        assert path in reason, (path, reason)
        out[os.path.basename(path)] = reason
    return out


def documents(settings) -> dict[str, dict]:
    """{file name: document summary} of what the index holds now."""
    reader = IndexReader(settings)
    try:
        return {os.path.basename(d["path"]): d for d in reader.documents()}
    finally:
        reader.close()


def assert_seeds_indexed(settings, *extra: str):
    assert sorted(documents(settings)) == sorted([*SEED_NAMES, *extra])
    assert hits(settings, '"户户通"') == 3  # the seeds' own content is searchable


# -- encodings ----------------------------------------------------------------------------------

def test_files_gbk_report_searchable_in_chinese(workspace):
    folder, settings = workspace
    report = "某镇2022年工作总结\n一、产业发展\n建成蚕桑孵化园区一处，带动农户增收。\n"
    (folder / "gbk.txt").write_bytes(report.encode("gbk"))
    summary = index_reports(settings)
    assert (summary.added, summary.failed) == (6, [])
    doc = documents(settings)["gbk.txt"]
    assert doc["title"] == "某镇2022年工作总结" and doc["years"] == [2022]
    reader = IndexReader(settings)
    try:
        for query in ['"蚕桑孵化园区"', "蚕桑 增收", "year:2022 农户"]:
            page = reader.search(query)
            assert [h.doc_id for h in page.results if not h.partial] == [doc["doc_id"]], query
            assert "建成蚕桑孵化园区一处" in page.results[0].text
    finally:
        reader.close()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])  # both write a byte-order mark
def test_files_byte_order_mark_not_in_title_or_text(workspace, encoding):
    folder, settings = workspace
    (folder / "bom.txt").write_bytes("某镇2021年工作要点\n加快数字乡村建设。\n".encode(encoding))
    assert index_reports(settings).failed == []
    doc = documents(settings)["bom.txt"]
    assert doc["title"] == "某镇2021年工作要点"
    reader = IndexReader(settings)
    try:
        full = reader.document(doc["doc_id"])
        assert [p["text"] for p in full["paragraphs"]] == ["加快数字乡村建设。"]
        assert reader.search('"数字乡村"').total == 1
    finally:
        reader.close()


@pytest.mark.parametrize("name, data, reason", [
    ("image.txt", PNG, "binary file (contains NUL bytes)"),
    ("noise.txt", bytes(range(1, 32)) * 40, "binary file (control characters)"),
    ("latin.md", "Résumé du rapport annuel".encode("latin-1") + bytes([0xFF, 0xFE, 0x81]),
     "not UTF-8 or GB18030/GBK text"),
    ("bom-only.txt", b"\xef\xbb\xbf", "empty file"),
    ("boilerplate.txt", "仅供学习参考\n- 19.09 KB\n2021-04-14 发布\n".encode(), "no report text left"),
])
def test_files_not_a_report_reported_by_name(workspace, name, data, reason):
    folder, settings = workspace
    (folder / name).write_bytes(data)
    summary = index_reports(settings)
    failed = failures(summary)
    assert list(failed) == [name] and reason in failed[name]
    assert summary.added == 5
    assert_seeds_indexed(settings)


# -- size ---------------------------------------------------------------------------------------

def test_files_over_size_limit_reported_with_the_limit(workspace):
    """A 20 MB report against a 10 MB limit. (Indexing 20 MB of seed text takes about 340 s at
    0.06 MB/s, so the accepting side is left to the benchmarks.)"""
    folder, settings = workspace
    seed_text = "\n".join((SEEDS / n).read_text("utf-8") for n in SEED_NAMES)
    with open(folder / "big.txt", "w", encoding="utf-8") as out:
        while out.tell() < 20_000_000:
            out.write(seed_text)
    summary = index_reports(settings.replace(index__max_file_mb=10))
    failed = failures(summary)
    assert list(failed) == ["big.txt"]
    assert failed["big.txt"].endswith(": 20.0 MB is larger than index.max_file_mb (10 MB)")
    assert summary.added == 5 and summary.bytes < 1_000_000
    assert_seeds_indexed(settings)


def test_files_size_limit_is_exact(workspace):
    """One byte over the limit is over; the limit itself is allowed (checked without indexing
    a megabyte: the file at the limit is reported for its content, not its size)."""
    folder, settings = workspace
    (folder / "over.txt").write_bytes(b"\x00" * 1_000_001)
    (folder / "at.txt").write_bytes(b"\x00" * 1_000_000)
    failed = failures(index_reports(settings.replace(index__max_file_mb=1)))
    assert "larger than index.max_file_mb (1 MB)" in failed["over.txt"]
    assert "binary file" in failed["at.txt"]


# -- files that change under the indexer --------------------------------------------------------

def doing(action, when: str):
    """A progress callback that runs ``action(path)`` just before the file ``when`` is read."""
    def progress(files, total):
        assert total == len(files)
        for path in files:
            if path.name == when:
                action(path)
            yield path
    return progress


def test_files_vanishing_mid_run_reported_rest_indexed(workspace):
    folder, settings = workspace
    victim = SEED_NAMES[2]
    summary = index_reports(settings, progress=doing(Path.unlink, victim))
    failed = failures(summary)
    assert list(failed) == [victim] and failed[victim].endswith(": no such file")
    assert summary.added == 4
    assert sorted(documents(settings)) == [n for n in SEED_NAMES if n != victim]


def test_files_vanishing_after_indexed_kept_until_next_run(workspace):
    """Already indexed, then gone mid-run: reported, the old record stays for this run (nothing
    is dropped on a half-seen state) and the next run removes it."""
    folder, settings = workspace
    index_reports(settings)
    victim = SEED_NAMES[0]
    summary = index_reports(settings, progress=doing(Path.unlink, victim))
    assert list(failures(summary)) == [victim]
    assert (summary.updated, summary.unchanged, summary.removed) == (0, 4, 0)
    assert victim in documents(settings)
    later = index_reports(settings)
    assert (later.removed, later.failed) == (1, [])
    assert sorted(documents(settings)) == SEED_NAMES[1:]


def test_files_replaced_by_folder_mid_run_reported(workspace):
    folder, settings = workspace
    victim = SEED_NAMES[1]

    def swap(path):
        path.unlink()
        path.mkdir()

    failed = failures(index_reports(settings, progress=doing(swap, victim)))
    assert list(failed) == [victim] and failed[victim].endswith(": is a folder")
    assert sorted(documents(settings)) == [n for n in SEED_NAMES if n != victim]


# -- names that are not plain files -------------------------------------------------------------

def test_files_folder_named_like_a_report_is_searched(workspace):
    """A folder called 2022年工作总结.txt is a folder: the reports inside it are indexed, and the
    folder itself is neither a document nor a failure."""
    folder, settings = workspace
    (folder / "2022年工作总结.txt" / "inner").mkdir(parents=True)
    (folder / "2022年工作总结.txt" / "inner" / "a.txt").write_text(
        "某镇2022年工作总结\n一、概况\n建成蚕桑孵化园区一处。\n", "utf-8")
    (folder / "empty.md").mkdir()
    summary = index_reports(settings)
    assert (summary.added, summary.failed) == (6, [])
    assert_seeds_indexed(settings, "a.txt")
    assert index_reports(settings, [folder / "2022年工作总结.txt"]).unchanged == 1


def test_files_symlink_loop_and_broken_link_reported(workspace, tmp_path):
    folder, settings = workspace
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    (folder / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "self").symlink_to(folder)  # a folder loop: not followed
    outside = tmp_path / "outside.txt"
    outside.write_text("某镇2022年工作总结\n建成蚕桑孵化园区一处。\n", "utf-8")
    (folder / "link.txt").symlink_to(outside)  # a good link is read like its target
    summary = index_reports(settings)
    failed = failures(summary)
    assert sorted(failed) == ["broken.txt", "loop-a.txt", "loop-b.txt"]
    assert failed["broken.txt"].endswith(": broken symbolic link")
    assert "Too many levels of symbolic links" in failed["loop-a.txt"]
    assert summary.added == 6
    assert_seeds_indexed(settings, "link.txt")


def test_files_pipe_and_device_reported_not_read(workspace):
    """Reading a pipe would wait for a writer, /dev/zero would never end: both are refused."""
    folder, settings = workspace
    os.mkfifo(folder / "pipe.txt")
    summary = index_reports(settings)
    failed = failures(summary)
    assert list(failed) == ["pipe.txt"]
    assert "not a regular file" in failed["pipe.txt"]
    explicit = index_reports(settings, [folder / "pipe.txt", "/dev/zero"])
    assert sorted(reason for _, reason in explicit.failed) == [
        "/dev/zero: unsupported file without an extension; supported: .txt, .md, .docx, .pdf, .doc, .wps",
        f"{folder / 'pipe.txt'}: not a regular file (a pipe, socket or device)"]
    assert_seeds_indexed(settings)


def test_files_duplicate_content_both_indexed(workspace):
    """The same bytes under two names are two documents (ids come from paths, not content):
    a search finds the paragraph once per file, and each hit leads to its own file."""
    folder, settings = workspace
    report = "某镇2022年工作总结\n一、概况\n建成蚕桑孵化园区一处。\n"
    (folder / "copy-1.txt").write_text(report, "utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "copy-2.txt").write_text(report, "utf-8")
    summary = index_reports(settings)
    assert (summary.added, summary.failed) == (7, [])
    docs = documents(settings)
    copies = {docs["copy-1.txt"]["doc_id"], docs["copy-2.txt"]["doc_id"]}
    assert len(copies) == 2
    assert docs["copy-1.txt"]["content_hash"] == docs["copy-2.txt"]["content_hash"]
    reader = IndexReader(settings)
    try:
        page = reader.search('"蚕桑孵化园区"')
        assert page.total == 2 and {h.doc_id for h in page.results} == copies
        assert {f["value"] for f in page.facets["doc"]} == copies
    finally:
        reader.close()


def test_files_year_facet_counts_an_edited_report_under_its_new_year(workspace):
    """Each year's facet count is what filtering by that year finds, and a report whose year
    was edited counts under its new year only (its old records may still be in a segment,
    deleted)."""
    folder, settings = workspace
    edited = folder / "edited.txt"
    edited.write_text("某镇2022年工作总结\n一、概况\n建成蚕桑孵化园区一处。\n", "utf-8")
    index_reports(settings)
    edited.write_text("某镇2023年工作总结\n一、概况\n建成蚕桑孵化园区两处。\n", "utf-8")
    assert index_reports(settings).updated == 1
    reader = IndexReader(settings)
    try:
        assert {f["value"]: f["count"] for f in reader.search("蚕桑孵化园区").facets["year"]} \
            == {"2023": 1}
        years = {f["value"]: f["count"] for f in reader.search("建成", facet_size=100).facets["year"]}
        assert len(years) > 2 and years["2023"] == 1
        assert years == {year: reader.search("建成", year=[year]).total for year in years}
    finally:
        reader.close()


# -- permissions --------------------------------------------------------------------------------

INDEX_IN_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from conftest import make_settings
from indexer.writer import index_reports
summary = index_reports(make_settings(sys.argv[2], [sys.argv[3]]))
print(json.dumps(summary.as_dict()))
"""


def without_root_file_access():
    """Run in the child before exec: drop the capabilities that let root read any file
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the bounding set, so the new program lacks them."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_files_without_read_permission_reported(workspace):
    """A file with mode 000 is reported and the rest indexed. Root reads anything, so as root
    the indexer runs without the capabilities that allow it (in a child process either way)."""
    folder, settings = workspace
    (folder / "secret.txt").write_text("某镇2022年工作总结\n保密内容。\n", "utf-8")
    (folder / "secret.txt").chmod(0)
    as_root = os.geteuid() == 0
    result = subprocess.run(
        [sys.executable, "-c", INDEX_IN_CHILD, str(ROOT / "tests"), settings["index.path"],
         str(folder)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        preexec_fn=without_root_file_access if as_root else None,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    secret = str(folder / "secret.txt")
    assert summary["failed"] == [{"path": secret,
                                  "reason": f"{secret}: cannot read (Permission denied)"}]
    assert summary["added"] == 5
    assert_seeds_indexed(settings)
