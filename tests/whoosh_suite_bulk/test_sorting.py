"""whoosh_suite/test_sorting.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_sorting import *  # noqa: F403
