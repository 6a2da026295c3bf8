"""Writing the index: incremental runs, bad files, one writer at a time, schema versions."""

import json
import os
import subprocess
import sys
import time

import pytest

from indexer import store
from indexer.errors import IndexBusyError
from indexer.search import IndexReader
from indexer.writer import index_reports

NEW_REPORT = "某镇2023年工作总结\n一、招商引资\n今年引进独角兽企业一家，总投资9.9亿元。\n"


def counts(settings):
    reader = IndexReader(settings)
    try:
        info = reader.status()
        return info["documents"], info["paragraphs"]
    finally:
        reader.close()


def hits(settings, query):
    reader = IndexReader(settings)
    try:
        return reader.search(query, size=1000).total
    finally:
        reader.close()


def test_index_incremental_add_change_remove(workspace):
    folder, settings = workspace
    first = index_reports(settings)
    assert (first.added, first.rebuilt, first.failed) == (5, True, [])
    docs, paras = counts(settings)
    assert docs == 5 and paras == first.paragraphs == 125

    again = index_reports(settings)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert not again.rebuilt and again.generation == first.generation

    (folder / "new.txt").write_text(NEW_REPORT, "utf-8")
    added = index_reports(settings)
    assert (added.added, added.unchanged) == (1, 5)
    assert hits(settings, '"独角兽企业"') == 1
    assert counts(settings) == (6, paras + 2)

    (folder / "new.txt").write_text(NEW_REPORT.replace("独角兽", "专精特新"), "utf-8")
    changed = index_reports(settings)
    assert (changed.updated, changed.unchanged) == (1, 5)
    assert hits(settings, '"独角兽企业"') == 0
    assert hits(settings, '"专精特新企业"') == 1
    assert counts(settings) == (6, paras + 2)

    (folder / "new.txt").unlink()
    removed = index_reports(settings)
    assert (removed.removed, removed.unchanged) == (1, 5)
    assert hits(settings, '"专精特新企业"') == 0
    assert counts(settings) == (5, paras)


def test_index_explicit_paths_do_not_prune_by_default(workspace, tmp_path):
    folder, settings = workspace
    index_reports(settings)
    extra = tmp_path / "extra.txt"
    extra.write_text(NEW_REPORT, "utf-8")
    summary = index_reports(settings, [extra])
    assert (summary.added, summary.removed) == (1, 0)
    assert counts(settings)[0] == 6
    # A run without paths reads the configured folders and the remembered file.
    again = index_reports(settings)
    assert (again.removed, again.unchanged) == (0, 6)
    extra.unlink()  # a source gone altogether: reported, its document kept until --prune
    gone = index_reports(settings)
    assert (gone.removed, gone.missing) == (0, [str(extra)])
    pruned = index_reports(settings, prune=True)
    assert (pruned.removed, pruned.forgotten, pruned.missing) == (1, [str(extra)], [])
    assert counts(settings)[0] == 5


def test_index_bad_files_reported_by_name_rest_indexed(workspace):
    folder, settings = workspace
    (folder / "gbk.txt").write_bytes("某镇2020年工作总结\n一、概况\n推进户户通工程建设。".encode("gbk"))
    (folder / "bom.txt").write_bytes("\ufeff某镇2021年工作要点\n加快数字乡村建设。".encode("utf-8"))
    (folder / "broken.txt").write_bytes(b"\x81\x20" * 20)
    (folder / "binary.txt").write_bytes(b"PK\x03\x04\x00\x00" + os.urandom(200))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("\n  \n", "utf-8")
    (folder / "cut.pdf").write_bytes(b"%PDF-1.4")
    summary = index_reports(settings)
    failed = {os.path.basename(p): reason for p, reason in summary.failed}
    assert set(failed) == {"broken.txt", "binary.txt", "empty.txt", "blank.md", "cut.pdf"}
    assert "not a readable PDF" in failed["cut.pdf"]
    assert "binary" in failed["binary.txt"] and "broken.txt" in failed["broken.txt"]
    assert "not UTF-8 or GB18030" in failed["broken.txt"]
    assert "empty" in failed["empty.txt"]
    assert summary.added == 7  # five seeds, GBK and BOM
    assert hits(settings, '"数字乡村"') == 1
    assert hits(settings, "year:2020 户户通") >= 1


def test_index_schema_version_change_rebuilds(workspace):
    folder, settings = workspace
    index_reports(settings)
    gen_dir = store.current_dir(settings["index.path"])
    meta = json.loads((gen_dir / "meta.json").read_text())
    meta["schema_version"] = -1
    (gen_dir / "meta.json").write_text(json.dumps(meta))
    summary = index_reports(settings)
    assert summary.rebuilt and "schema" in summary.rebuild_reason
    assert (summary.added, summary.unchanged) == (0, 5)  # every file re-read, none new
    assert counts(settings) == (5, 125)


def test_segments_of_whooshs_own_codec_are_still_searched(workspace):
    """An index written before this codec (Whoosh's W3) answers until the rebuild its schema
    version triggers: the matcher path reads any codec."""
    from whoosh import index as whoosh_index
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.writing import SegmentWriter

    folder, settings = workspace
    index_reports(settings)
    before = (hits(settings, '"户户通"'), hits(settings, "乡村振兴 产业"), counts(settings))
    gen_dir = store.current_dir(settings["index.path"])
    writer = SegmentWriter(whoosh_index.open_dir(str(gen_dir)), codec=W3Codec())
    writer.commit(optimize=True)  # every segment rewritten by W3
    segments = whoosh_index.open_dir(str(gen_dir)).reader().leaf_readers()
    assert {type(r.segment().codec()).__name__ for r, _ in segments} == {"W3Codec"}
    assert (hits(settings, '"户户通"'), hits(settings, "乡村振兴 产业"), counts(settings)) == before
    meta = json.loads((gen_dir / "meta.json").read_text())
    meta["schema_version"] = 2
    (gen_dir / "meta.json").write_text(json.dumps(meta))
    assert index_reports(settings).rebuilt
    segments = whoosh_index.open_dir(str(store.current_dir(settings["index.path"]))).reader()
    assert {type(r.segment().codec()).__name__ for r, _ in segments.leaf_readers()} == {
        "ArrayCodec"}
    assert (hits(settings, '"户户通"'), hits(settings, "乡村振兴 产业"), counts(settings)) == before


def test_index_settings_change_rebuilds(workspace):
    folder, settings = workspace
    index_reports(settings)
    changed = settings.replace(analysis__extra_user_words=["数字乡村"])
    summary = index_reports(changed)
    assert summary.rebuilt and "settings" in summary.rebuild_reason


def test_index_rebuild_keeps_two_generations(workspace):
    folder, settings = workspace
    for _ in range(3):
        index_reports(settings, rebuild=True)
    names = sorted(p.name for p in os.scandir(settings["index.path"]) if p.name.startswith("gen-"))
    assert names == ["gen-000002", "gen-000003"]
    assert store.current_dir(settings["index.path"]).name == "gen-000003"


def test_index_second_writer_fails_clearly(workspace):
    folder, settings = workspace
    index_reports(settings)
    lock = os.path.join(settings["index.path"], store.LOCK)
    holder = subprocess.Popen([
        sys.executable, "-c",
        "import sys, time, filelock; l = filelock.FileLock(sys.argv[1]); l.acquire(); "
        "print('held', flush=True); time.sleep(30)", lock,
    ], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(IndexBusyError, match="another indexer is writing"):
            index_reports(settings.replace(index__lock_timeout=1))
        assert time.monotonic() - started >= 1
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert index_reports(settings).unchanged == 5  # lock released when its holder died


def test_index_readers_see_new_state_after_refresh(workspace):
    folder, settings = workspace
    index_reports(settings)
    reader = IndexReader(settings)
    try:
        gen = reader.generation
        (folder / "new.txt").write_text(NEW_REPORT, "utf-8")
        index_reports(settings)
        assert reader.search('"独角兽"').total == 0  # still the old snapshot
        assert reader.refresh() and reader.generation != gen
        assert reader.search('"独角兽"').total == 1
        index_reports(settings, rebuild=True)
        assert reader.refresh()
        assert reader.search('"独角兽"').total == 1
    finally:
        reader.close()


def test_refresh_decodes_only_new_segments_term_keys(workspace):
    """Reopening after an added report reuses what the unchanged segments decoded; a segment
    whose records were deleted keeps its term table (its files never change)."""
    folder, settings = workspace
    index_reports(settings)
    reader = IndexReader(settings)

    def keys():
        return {leaf.segment().segment_id(): leaf._terms._keys
                for leaf, _ in reader._searcher.reader().leaf_readers()}
    try:
        before = keys()
        (folder / "new.txt").write_text(NEW_REPORT, "utf-8")
        (folder / sorted(p.name for p in folder.glob("*.txt"))[0]).unlink()
        index_reports(settings)
        assert reader.refresh()
        after = keys()
        assert set(before) < set(after)
        assert all(after[segment] is before[segment] for segment in before)
        assert reader.search('"独角兽"').total == 1  # the new segment's terms are its own
    finally:
        reader.close()


def _everything(settings) -> list[tuple]:
    reader = IndexReader(settings)
    try:
        docs = {d["doc_id"]: d for d in reader.documents()}
        rows = []
        for doc_id in docs:
            for p in reader.document(doc_id)["paragraphs"]:
                rows.append((doc_id, p["paragraph"], p["text"]))
        # sorted: equal scores may come in another order when records sit in two segments
        found = {q: sorted((h.doc_id, h.paragraph, round(h.score, 3))
                           for h in reader.search(q, size=50).results)
                 for q in ("疫情", '"户户通"', "乡村振兴 产业", '"镇"')}
        return [sorted(rows), found]
    finally:
        reader.close()


def test_parallel_rebuild_matches_single_process(workspace, tmp_path, monkeypatch):
    folder, settings = workspace
    index_reports(settings.replace(index__processes=1), rebuild=True)
    single = _everything(settings)
    parallel_settings = settings.replace(index__processes=2, index__path=str(tmp_path / "par"),
                                         index__parallel_min_mb=0)  # the seeds are small
    summary = index_reports(parallel_settings, rebuild=True)
    assert summary.added == 5 and not summary.failed
    segments = list(store.current_dir(tmp_path / "par").glob("*.seg"))
    assert len(segments) == 2  # one per worker: the workers really ran
    assert _everything(parallel_settings) == single
    # and the index takes incremental updates afterwards
    (folder / "new.txt").write_text("某镇2022年工作总结\n新增独有词汇甲乙丙。\n", "utf-8")
    assert index_reports(parallel_settings).added == 1
    assert _everything(parallel_settings)[0] != single[0]


def test_a_worker_starts_a_new_segment_past_its_record_limit(workspace, tmp_path, monkeypatch):
    from indexer import parallel

    _, settings = workspace
    index_reports(settings.replace(index__processes=1), rebuild=True)
    single = _everything(settings)
    monkeypatch.setattr(parallel, "SEGMENT_RECORDS", 40)  # read when the workers start
    small = settings.replace(index__processes=2, index__path=str(tmp_path / "small"),
                             index__parallel_min_mb=0)
    index_reports(small, rebuild=True)
    assert len(list(store.current_dir(tmp_path / "small").glob("*.seg"))) > 2
    assert _everything(small) == single


def test_parallel_worker_death_is_a_clear_error_and_keeps_the_index(workspace, monkeypatch):
    from indexer import parallel
    from indexer.errors import IndexWorkerError

    _, settings = workspace
    before = index_reports(settings).generation
    add = parallel.ParallelBuild.add

    def add_after_a_worker_dies(self, *job):
        self.workers[0].kill()
        self.workers[0].join()
        add(self, *job)

    monkeypatch.setattr(parallel.ParallelBuild, "add", add_after_a_worker_dies)
    with pytest.raises(IndexWorkerError, match="died"):
        index_reports(settings.replace(index__processes=2, index__parallel_min_mb=0),
                      rebuild=True)
    assert store.generation(settings["index.path"]) == before
    reader = IndexReader(settings)
    assert reader.search('"户户通"').total == 3
    reader.close()


def test_parallel_worker_that_fails_is_an_error_not_a_hang(tmp_path):
    """A worker that catches an exception reports it and ends with exit code 0; the parent,
    still feeding it, must not wait forever on a full queue."""
    from whoosh import index as whoosh_index

    from indexer import parallel
    from indexer.errors import IndexWorkerError
    from indexer.schema import build_schema

    whoosh_index.create_in(str(tmp_path), build_schema([], []))
    build = parallel.ParallelBuild(tmp_path, 2)
    started = time.monotonic()
    try:
        with pytest.raises(IndexWorkerError, match="AttributeError"):
            for n in range(1000):  # report None: add_report fails in the worker
                build.add(f"doc{n}", "x.txt", "", 0, None)
    finally:
        build.cancel()
    assert time.monotonic() - started < 120
