"""whoosh_suite/test_matching.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_matching import *  # noqa: F403
