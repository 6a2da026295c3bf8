"""Run Whoosh's vendored tests (tests/whoosh_suite) a second time, with ``BulkWriter``.

The product writes every index with ``indexer.bulk.BulkWriter`` (through ``open_writer``);
tests/whoosh_suite runs Whoosh's tests with Whoosh's own ``SegmentWriter``. Here the same
tests run with ``ix.writer()`` returning the product's writer: the ``test_*.py`` modules of
this folder re-export the vendored modules' tests (``from whoosh_suite.test_x import *``),
so each vendored test is collected twice, once per folder.

Two package-scoped autouse fixtures, active while this folder's tests run:

- ``array_codec_is_default``, imported from whoosh_suite's conftest (the same fixture, not
  a copy): ``ArrayCodec`` as Whoosh's default codec, in ``whoosh.*`` and in the
  ``whoosh_suite.*`` modules, whose globals the re-exported tests use.
- ``bulk_writer_is_default``: ``FileIndex.writer(procs=1, **kwargs)`` (what ``ix.writer()``
  calls) returns ``open_writer(ix, **kwargs)``, a ``BulkWriter``, where Whoosh's returns a
  ``SegmentWriter``. The rest of Whoosh's writers get it from there: ``AsyncWriter``,
  ``BufferedWriter`` (the on-disk writer it flushes its RAM buffer into with ``add_reader``),
  ``Index.optimize()``, ``Index.add_field()`` / ``remove_field()``,
  ``Index.delete_by_term()`` / ``delete_by_query()``. None of the vendored tests constructs
  a ``SegmentWriter`` itself.

  ``procs > 1`` still gives Whoosh's ``MpWriter``, and its sub-writers stay
  ``SegmentWriter``: ``MpWriter`` (itself a ``SegmentWriter``) merges its sub-writers'
  sorted runs of Whoosh's ``PostingPool`` (``finish_subsegment`` reads ``pool.runs``,
  ``_read_and_renumber_run`` calls ``pool._read_run``), which ``ArrayPool`` does not have.
  The product does not use ``MpWriter`` (indexer/parallel.py runs ``BulkWriter`` s in its
  own processes). So the ``MpWriter`` tests of test_mpwriter.py repeat the plain run here.

Both are undone after this folder's last test: the project's own tests collected in the same
session keep Whoosh's writer and codec. test_writer_is_bulk.py checks that the writers here
really are ``BulkWriter`` s.

``WHOOSH_SUITE_CODEC=w3`` is no use here: ``BulkWriter`` writes ``ArrayCodec`` segments
whatever the default codec is. To tell whether a failure here is ``BulkWriter``'s, compare
with the same test in tests/whoosh_suite (same codec, Whoosh's writer).
"""

from __future__ import annotations

import pytest
import whoosh.index

from indexer.bulk import open_writer
from whoosh_suite.conftest import (  # noqa: F401 (autouse fixtures)
    array_codec_is_default,
    seeded_random,
)

WHOOSH_FILEINDEX_WRITER = whoosh.index.FileIndex.writer


def bulk_writer(self, procs=1, **kwargs):
    """``FileIndex.writer`` for these tests: the product's writer for one process."""
    if procs > 1:
        return WHOOSH_FILEINDEX_WRITER(self, procs=procs, **kwargs)
    return open_writer(self, **kwargs)


@pytest.fixture(autouse=True, scope="package")
def bulk_writer_is_default():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(whoosh.index.FileIndex, "writer", bulk_writer)
        yield
    assert whoosh.index.FileIndex.writer is WHOOSH_FILEINDEX_WRITER
