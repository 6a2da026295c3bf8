"""whoosh_suite/test_postings.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_postings import *  # noqa: F403
