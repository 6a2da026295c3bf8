"""whoosh_suite/test_reading.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_reading import *  # noqa: F403
