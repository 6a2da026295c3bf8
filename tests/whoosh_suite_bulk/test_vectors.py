"""whoosh_suite/test_vectors.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_vectors import *  # noqa: F403
