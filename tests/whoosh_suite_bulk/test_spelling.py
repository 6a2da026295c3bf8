"""whoosh_suite/test_spelling.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_spelling import *  # noqa: F403
