"""whoosh_suite/test_collector.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_collector import *  # noqa: F403
