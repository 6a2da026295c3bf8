"""whoosh_suite/test_weightings.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_weightings import *  # noqa: F403
