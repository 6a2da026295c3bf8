"""Whoosh's vendored tests (tests/whoosh_suite) run again with indexer.bulk.BulkWriter."""
