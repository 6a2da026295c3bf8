"""whoosh_suite/test_mpwriter.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_mpwriter import *  # noqa: F403
