"""whoosh_suite/test_quality.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_quality import *  # noqa: F403
