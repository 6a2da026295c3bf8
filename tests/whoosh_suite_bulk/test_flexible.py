"""whoosh_suite/test_flexible.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_flexible import *  # noqa: F403
