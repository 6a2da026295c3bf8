"""whoosh_suite/test_searching.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_searching import *  # noqa: F403
