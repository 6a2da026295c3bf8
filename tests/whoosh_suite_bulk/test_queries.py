"""whoosh_suite/test_queries.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_queries import *  # noqa: F403
