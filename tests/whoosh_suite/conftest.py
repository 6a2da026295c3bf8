"""Run Whoosh's own tests (vendored here, see README.md) on this project's codec.

Every index these tests create gets ``indexer.codec.ArrayCodec``: Whoosh asks
``whoosh.codec.default_codec()`` for the codec of each new segment
(``SegmentWriter.__init__`` imports it from ``whoosh.codec`` at call time), and some test
modules here import the name at their import (``from whoosh.codec import default_codec``).
A package-scoped autouse fixture replaces it in ``whoosh.codec``, in any ``whoosh.*``
module holding the name, and in this folder's test modules, for as long as this folder's
tests run, and puts Whoosh's back afterwards: the project's other tests, collected in the
same session, keep Whoosh's default. (Patching at import would have changed it for the whole
session: all the test modules are imported before the first test runs.)

No index is built at import by these modules (test_sorting.py's one was made a test), and
MpWriter's sub-writers are forked while the fixture is active, so they inherit it.
test_codec_is_ours.py checks that indexes written here really are ArrayCodec.

``WHOOSH_SUITE_CODEC=w3`` leaves Whoosh's W3Codec as the default: only to tell whether a
failure also happens with the stock codec. In that mode test_codec_is_ours.py fails on
purpose.
"""

from __future__ import annotations

import os
import sys

import pytest
import whoosh.codec

from indexer.codec import ArrayCodec

STOCK = os.environ.get("WHOOSH_SUITE_CODEC", "").lower() == "w3"
WHOOSH_DEFAULT_CODEC = whoosh.codec.default_codec


def array_default_codec(*args, **kwargs):
    """``whoosh.codec.default_codec`` for these tests: the project's codec."""
    return ArrayCodec(*args, **kwargs)


def _holders():
    """The loaded modules whose ``default_codec`` is Whoosh's: whoosh's own and this
    folder's."""
    for name, module in list(sys.modules.items()):
        if (name == "whoosh" or name.startswith(("whoosh.", f"{__package__}."))) and (
            getattr(module, "default_codec", None) is WHOOSH_DEFAULT_CODEC
        ):
            yield module


@pytest.fixture(autouse=True, scope="package")
def array_codec_is_default():
    if STOCK:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        for module in _holders():
            patch.setattr(module, "default_codec", array_default_codec)
        assert type(whoosh.codec.default_codec()) is ArrayCodec
        yield
    assert whoosh.codec.default_codec is WHOOSH_DEFAULT_CODEC


@pytest.fixture(autouse=True)
def seeded_random():
    """Whoosh's tests draw from ``random`` unseeded; test_buffered_threads, for one, fails when
    25 draws miss one of its 4 names (about 1 run in 300). Seeded, a failure can be replayed."""
    import random

    random.seed(20261126)
