"""whoosh_suite/test_classify.py's tests, run with BulkWriter: see conftest.py."""

from whoosh_suite.test_classify import *  # noqa: F403
