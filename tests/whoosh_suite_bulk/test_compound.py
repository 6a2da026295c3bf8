"""whoosh_suite/test_compound.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_compound import *  # noqa: F403
