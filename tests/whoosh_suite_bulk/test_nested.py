"""whoosh_suite/test_nested.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_nested import *  # noqa: F403
