"""whoosh_suite/test_codecs.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_codecs import *  # noqa: F403
