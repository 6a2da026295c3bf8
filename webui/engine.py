"""The one bridge to the indexer: one IndexReader per worker, refreshed when the index changes."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from indexer.search import IndexReader

_lock = threading.Lock()


def get_reader() -> IndexReader:
    """The worker's reader, reopened if a re-index produced a new generation."""
    app = current_app
    with _lock:
        reader = app.extensions.get("report_search_reader")
        if reader is None:
            reader = IndexReader(app.config["SETTINGS"])
            app.extensions["report_search_reader"] = reader
        else:
            reader.refresh()
        return reader


def init_app(app: Flask) -> None:
    app.extensions["report_search_reader"] = None
