"""Run Whoosh's own tests (vendored here, see README.md) on this project's codec.

Every index these tests create gets ``indexer.codec.ArrayCodec``: Whoosh asks
``whoosh.codec.default_codec()`` for the codec of each new segment
(``SegmentWriter.__init__`` imports it from ``whoosh.codec`` at call time), and
test_codecs.py / test_postings.py import the name at module import. The patch is
therefore made here, at import, before pytest imports any test module of this folder,
and in every already-imported ``whoosh.*`` module holding the name too.

test_codec_is_ours.py checks that indexes written by these tests really are ArrayCodec.

``WHOOSH_SUITE_CODEC=w3`` leaves Whoosh's W3Codec as the default: only to tell whether
a failure also happens with the stock codec. In that mode test_codec_is_ours.py fails
on purpose, and the strict xfails of the indexer bugs XPASS (fail).
"""

from __future__ import annotations

import os
import sys

import pytest
import whoosh.codec

from indexer.codec import ArrayCodec

STOCK = os.environ.get("WHOOSH_SUITE_CODEC", "").lower() == "w3"
_whoosh_default_codec = whoosh.codec.default_codec


def array_default_codec(*args, **kwargs):
    """``whoosh.codec.default_codec`` for these tests: the project's codec."""
    return ArrayCodec(*args, **kwargs)


def _install() -> None:
    for name, module in list(sys.modules.items()):
        if (name == "whoosh" or name.startswith("whoosh.")) and (
            getattr(module, "default_codec", None) is _whoosh_default_codec
        ):
            module.default_codec = array_default_codec


if not STOCK:
    _install()


@pytest.fixture(autouse=True, scope="session")
def _default_codec_is_array_codec():
    """Fails every test at once if something restored Whoosh's default codec."""
    if not STOCK:
        _install()  # whoosh modules imported since this file was
        assert whoosh.codec.default_codec is array_default_codec
        assert type(whoosh.codec.default_codec()) is ArrayCodec
    yield
