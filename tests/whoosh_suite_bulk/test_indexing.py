"""whoosh_suite/test_indexing.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_indexing import *  # noqa: F403
