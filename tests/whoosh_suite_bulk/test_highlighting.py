"""whoosh_suite/test_highlighting.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_highlighting import *  # noqa: F403
