"""The one bridge to the indexer: one IndexReader per worker, refreshed when the index changes,
and the one search function that the page and the API both call."""

from __future__ import annotations

import re
import threading

from flask import Flask, current_app, g, request
from werkzeug.datastructures import MultiDict

from indexer.errors import ReportSearchError
from indexer.search import IndexReader, SearchPage

_lock = threading.Lock()
EXTENSION = "report_search_reader"
MAX_FACET_SIZE = 10_000  # as listed in openapi.yaml
YEAR = re.compile(r"[0-9]{4}")


class BadParameter(ReportSearchError):
    """A request parameter out of its range. ``reason`` and ``details`` let the page say the
    same thing in Chinese (webui/messages.py); the API sends the English message."""

    code = "invalid_parameter"

    def __init__(self, message: str, reason: str | None = None, **details):
        super().__init__(message)
        self.reason = reason
        self.details = details


def get_reader() -> IndexReader:
    """The worker's reader, reopened if a re-index produced a new generation."""
    app = current_app
    with _lock:
        reader = app.extensions.get(EXTENSION)
        if reader is None:
            reader = IndexReader(app.config["SETTINGS"])
            app.extensions[EXTENSION] = reader
        else:
            reader.refresh()
        return reader


def params() -> MultiDict:
    """The request's parameters: the query string, or for ``POST /api/search`` the JSON body's
    members (a list value repeats the parameter, as ``year=2020&year=2021`` does)."""
    if request.method != "POST":
        return request.args
    if "params" not in g:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadParameter("send the search as a JSON object (Content-Type: "
                               "application/json), with the parameters of GET /api/search")
        found = MultiDict()
        for name, value in body.items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, bool) or not isinstance(item, (str, int)):
                    raise BadParameter(f"{name} must be a string or a whole number, or a list "
                                       "of them")
                found.add(name, str(item))
        g.params = found
    return g.params


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = params().get(name, "").strip()
    if not raw:
        return default
    # isdecimal, not isdigit: int() refuses digits such as "²"; and a value too long to be in
    # range is refused before int(), which refuses more than 4300 digits.
    digits = raw.lstrip("0") or "0"
    if not raw.isdecimal() or len(digits) > len(str(high)) or not low <= int(digits) <= high:
        raise BadParameter(f"{name} must be a whole number from {low} to {high}", "range",
                           name=name, low=low, high=high)
    return int(digits)


def filter_args() -> dict[str, list[str]]:
    """doc, year and section from the request; a year must be four digits."""
    # An empty filter (a form's blank <select>) is no filter, not one that matches nothing.
    chosen = {name: [v for v in params().getlist(name) if v.strip()]
              for name in ("doc", "year", "section")}
    chosen["year"] = [v.strip() for v in chosen["year"]]
    for value in chosen["year"]:
        if not YEAR.fullmatch(value):
            raise BadParameter("year must be a 4-digit year such as 2021", "year", value=value)
    return chosen


def run_search() -> SearchPage:
    """Read q, page, size, doc, year, section and facet_size from the request and search; with
    nothing found, the "did you mean" spellings too."""
    settings = current_app.config["SETTINGS"]
    page = int_arg("page", 1, 1, settings["search.max_page"])
    size = int_arg("size", settings["search.page_size"], 1, settings["search.max_page_size"])
    facet_size = int_arg("facet_size", settings["search.facet_size"], 0, MAX_FACET_SIZE)
    return get_reader().search(params().get("q", ""), page=page, size=size,
                               facet_size=facet_size, suggest=True, **filter_args())


def run_export(limit: int) -> SearchPage:
    """Every match of the request's q and filters, best first, up to ``limit`` (no facets);
    page and size do not apply."""
    return get_reader().search(params().get("q", ""), page=1, size=limit, facet_size=0,
                               **filter_args())


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = None
