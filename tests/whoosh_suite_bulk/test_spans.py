"""whoosh_suite/test_spans.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_spans import *  # noqa: F403
