"""whoosh_suite/test_fields.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_fields import *  # noqa: F403
