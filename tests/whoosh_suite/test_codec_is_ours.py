"""Not from Whoosh: proof that the vendored suite writes and reads ArrayCodec indexes.

If conftest.py's patch stopped taking effect (a Whoosh upgrade importing default_codec
elsewhere, a writer passing W3Codec() itself, sub-processes started without the patch),
the rest of this folder would silently test Whoosh's W3 codec; these tests fail instead.
"""

from __future__ import annotations

import whoosh.codec
from whoosh import fields, index, query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.filestore import RamStorage
from whoosh.matching import FilterMatcher
from whoosh.multiproc import MpWriter, SerialMpWriter
from whoosh.util.testing import TempIndex
from whoosh.writing import SegmentWriter

from indexer.codec import ArrayCodec, ArrayMatcher

from . import test_codecs, test_columns, test_postings, test_results, test_searching

SCHEMA = fields.Schema(
    id=fields.ID(stored=True), text=fields.TEXT(vector=True, spelling=True),
    n=fields.NUMERIC(sortable=True),
)
WORDS = "alfa bravo charlie delta echo foxtrot golf hotel india juliet".split()


def _add(writer, start, count):
    for i in range(start, start + count):
        writer.add_document(id=str(i), text=" ".join(WORDS[: 1 + i % len(WORDS)]), n=i)


def _codecs(ix):
    return [type(segment.codec()) for segment in ix._segments()]


def _check_reading(ix, count):
    with ix.searcher() as s:
        for sub, _ in s.leaf_searchers():
            if not sub.doc_count_all():
                # MpWriter(multisegment=True) commits an empty segment for a child that got
                # no batch (its fork slower than the other child's work, on a loaded
                # machine; with W3Codec as well): no term to read there
                continue
            matcher = sub.postings("text", "alfa")
            if isinstance(matcher, FilterMatcher):  # the segment has deleted records
                matcher = matcher.child
            assert type(matcher) is ArrayMatcher
            assert not isinstance(matcher, W3LeafMatcher)
        assert len(s.search(query.Term("text", "alfa"), limit=None)) == count


def test_default_codec_is_patched_everywhere():
    assert type(whoosh.codec.default_codec()) is ArrayCodec
    # the modules that import the name (test_columns, test_results and test_searching
    # pass codec=default_codec() where Whoosh's files pass codec=W3Codec(): see README.md)
    for module in (test_codecs, test_columns, test_postings, test_results, test_searching):
        assert type(module.default_codec()) is ArrayCodec, module.__name__


def test_ram_index_writer_uses_array_codec():
    ix = RamStorage().create_index(SCHEMA)
    writer = ix.writer()
    _add(writer, 0, 30)
    writer.commit()  # before asserting: a writer left open leaks files
    assert type(writer) is SegmentWriter
    assert type(writer.codec) is ArrayCodec
    assert _codecs(ix) == [ArrayCodec]
    _check_reading(ix, 30)


def test_file_index_reopened_merged_and_optimized():
    with TempIndex(SCHEMA, "codecisours") as ix:
        for start in (0, 30, 60):
            with ix.writer() as w:
                _add(w, start, 30)
        with ix.writer() as w:
            w.delete_by_term("id", "5")
        reopened = index.open_dir(ix.storage.folder, indexname=ix.indexname)
        assert _codecs(reopened) == [ArrayCodec] * 3  # unpickled from the TOC
        _check_reading(reopened, 89)

        with reopened.writer() as w:  # merges the small segments (MERGE_SMALL)
            _add(w, 90, 5)
        reopened.optimize()
        reopened = index.open_dir(ix.storage.folder, indexname=ix.indexname)
        assert _codecs(reopened) == [ArrayCodec]
        _check_reading(reopened, 94)


def test_multiprocess_writers_use_array_codec():
    # MpWriter's sub-writers run in child processes: they see the patch only if the
    # children are forked from this one. Enough batches that every child gets one: a
    # child given none dies in whoosh.multiproc.finish_subsegment (IndexError on
    # pool.runs[0]), with W3Codec as well.
    for writerclass, kwargs in (
        (MpWriter, {"procs": 2}),
        (MpWriter, {"procs": 2, "multisegment": True}),
        (SerialMpWriter, {"procs": 2}),
    ):
        with TempIndex(SCHEMA, "mpcodec") as ix:
            with writerclass(ix, batchsize=10, **kwargs) as w:
                _add(w, 0, 400)
            ix = index.open_dir(ix.storage.folder, indexname=ix.indexname)
            codecs = _codecs(ix)
            assert codecs and set(codecs) == {ArrayCodec}, (writerclass, kwargs, codecs)
            _check_reading(ix, 400)
