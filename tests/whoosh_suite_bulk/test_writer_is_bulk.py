"""Not from Whoosh: proof that the vendored tests here write with ``BulkWriter``.

If conftest.py's patch stopped taking effect (a Whoosh upgrade creating writers elsewhere,
``FileIndex.writer`` renamed, the fixture's scope lost), this folder would silently repeat
tests/whoosh_suite with Whoosh's ``SegmentWriter``; these tests fail instead.
"""

from __future__ import annotations

import whoosh.codec
from whoosh import fields, index, query, writing
from whoosh.filedb.filestore import RamStorage
from whoosh.multiproc import MpWriter
from whoosh.util.testing import TempIndex

from indexer.bulk import ArrayPool, BulkWriter
from indexer.codec import ArrayCodec
from whoosh_suite import test_writing
from whoosh_suite.conftest import WHOOSH_DEFAULT_CODEC

SCHEMA = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(stored=True))
WORDS = "alfa bravo charlie delta echo foxtrot golf hotel india juliet".split()


def _add(writer, start, count):
    for i in range(start, start + count):
        writer.add_document(id=str(i), text=" ".join(WORDS[: 1 + i % len(WORDS)]))


def _codecs(ix):
    return [type(segment.codec()) for segment in ix._segments()]


def _count(ix, word="alfa"):
    with ix.searcher() as s:
        return len(s.search(query.Term("text", word), limit=None))


def test_ix_writer_is_bulk_writer():
    ix = RamStorage().create_index(SCHEMA)
    writer = ix.writer()
    try:
        assert type(writer) is BulkWriter
        assert type(writer.pool) is ArrayPool
        assert type(writer.codec) is ArrayCodec
        _add(writer, 0, 30)
    finally:
        writer.commit()
    assert _codecs(ix) == [ArrayCodec]
    assert _count(ix) == 30


def test_codec_patch_is_active_too():
    # the fixture imported from whoosh_suite's conftest: tests passing
    # codec=default_codec() (see whoosh_suite/README.md) get ArrayCodec here as well
    assert whoosh.codec.default_codec is not WHOOSH_DEFAULT_CODEC
    assert type(whoosh.codec.default_codec()) is ArrayCodec


def test_vendored_tests_are_the_same_functions():
    # re-exported, not copied: the function objects (and their globals) are whoosh_suite's
    from . import test_writing as here

    assert here.test_add_field is test_writing.test_add_field
    assert here.test_add_field.__globals__ is vars(test_writing)


def test_writer_kwargs_reach_bulk_writer():
    ix = RamStorage().create_index(SCHEMA)
    with ix.writer(procs=1, compound=False) as w:  # procs=1: one process, BulkWriter
        assert type(w) is BulkWriter
        assert w.compound is False
        _add(w, 0, 5)


def test_async_buffered_optimize_and_index_methods(monkeypatch):
    made = []
    original = BulkWriter.__init__

    def counting_init(self, *args, **kwargs):
        made.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(BulkWriter, "__init__", counting_init)
    with TempIndex(SCHEMA, "bulkwriters") as ix:
        w = writing.AsyncWriter(ix)  # the index is not locked: it gets its writer at once
        assert type(w.writer) is BulkWriter
        _add(w, 0, 20)
        w.commit()

        with writing.BufferedWriter(ix, period=None, limit=7) as w:
            assert type(w.writer) is BulkWriter
            _add(w, 20, 20)  # its RAM buffer goes into the BulkWriter by add_reader
        ix.delete_by_term("id", "5")
        ix.add_field("extra", fields.KEYWORD(stored=True))
        ix.optimize()

        # AsyncWriter 1; BufferedWriter 1, then 1 after each of its 2 flushes at 7 and 14;
        # delete_by_term, add_field and optimize 1 each
        assert made == [BulkWriter] * 7
        reopened = index.open_dir(ix.storage.folder, indexname=ix.indexname)
        assert _codecs(reopened) == [ArrayCodec]  # optimized: one segment
        assert _count(reopened) == 39
        assert "extra" in reopened.schema


def test_multiprocess_writer_stays_whoosh():
    # by design (see conftest.py): MpWriter merges its sub-writers' TempfilePool runs
    with TempIndex(SCHEMA, "bulkmp") as ix:
        w = ix.writer(procs=2, batchsize=10)
        try:
            assert type(w) is MpWriter
            assert not isinstance(w, BulkWriter)
            _add(w, 0, 100)
        finally:
            w.commit()
        assert set(_codecs(ix)) == {ArrayCodec}
        assert _count(ix) == 100
