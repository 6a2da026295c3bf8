"""report-search indexer: reports -> paragraphs -> a Whoosh index, and the code that reads it."""

__version__ = "0.1.0"
