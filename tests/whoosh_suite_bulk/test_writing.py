"""whoosh_suite/test_writing.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_writing import *  # noqa: F403
