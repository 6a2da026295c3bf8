"""whoosh_suite/test_tables.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_tables import *  # noqa: F403
