"""whoosh_suite/test_results.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_results import *  # noqa: F403
