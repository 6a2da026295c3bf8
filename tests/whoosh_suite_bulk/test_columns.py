"""whoosh_suite/test_columns.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_columns import *  # noqa: F403
