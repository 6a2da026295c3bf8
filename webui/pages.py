"""HTML pages: the search page and the document view, from the same search the API runs."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, send_file, url_for

from indexer.errors import ReportSearchError
from indexer.highlight import find_spans, mark

from .engine import get_reader, run_search
from .errors import error_page

bp = Blueprint("pages", __name__)
FILTERS = {"doc": "报告", "year": "年份", "section": "章节"}
# The parameters the page reads. Only these go back into its links: url_for takes others
# (endpoint, _external, _anchor, ...) as its own arguments.
PAGE_ARGS = ("q", "size", "facet_size", *FILTERS)


def _args(*names: str) -> dict[str, list[str]]:
    return {k: request.args.getlist(k) for k in names if k in request.args}


@bp.errorhandler(ReportSearchError)
def domain_error(e: ReportSearchError):
    """The error in Chinese, with what the English message says filled in."""
    reason, details = getattr(e, "reason", None), getattr(e, "details", {})
    q = request.args.get("q", "")
    limit = current_app.config["SETTINGS"]["search.max_query_length"]
    if e.code == "invalid_query" and len(q) > limit:
        reason, details = "too_long", {"length": len(q), "limit": limit}
    elif e.code == "document_not_found":
        reason, details = "id", {"doc_id": (request.view_args or {}).get("doc_id", "")}
    return error_page(e.code, None, reason, **details)


def _url(**changes) -> str:
    """The current search URL with some parameters replaced (None removes one)."""
    args = _args(*PAGE_ARGS)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for("pages.home", **args)


def _facets(result) -> dict:
    out = {}
    for name, items in result.facets.items():
        chosen = request.args.getlist(name)
        out[name] = [
            {**item, "active": item["value"] in chosen,
             "url": _url(**{name: [v for v in chosen if v != item["value"]] or None})
             if item["value"] in chosen else _url(**{name: [*chosen, item["value"]]})}
            for item in items[:12]
        ]
    return out


def _active_filters(labels: dict[str, str]) -> list[dict]:
    active = []
    for name, title in FILTERS.items():
        chosen = request.args.getlist(name)
        for value in chosen:
            rest = [v for v in chosen if v != value] or None
            label = labels.get(value, value) if name == "doc" else value
            active.append({"name": title, "label": label, "remove_url": _url(**{name: rest})})
    return active


@bp.get("/")
def home():
    q = request.args.get("q", "")
    result, suggestions, documents = None, [], []
    reader = get_reader()
    if q or any(request.args.getlist(n) for n in FILTERS):
        result = run_search()
        suggestions = result.suggestions
    else:  # the report list is only shown on the empty home page, not on every search
        documents = reader.documents()
    context = {"q": q, "result": result, "problem": None, "documents": documents,
               "suggestions": suggestions}
    if result is not None:
        pages = max(1, -(-(result.total + result.partial_total) // result.size))
        for hit in result.results:
            hit.url = url_for("pages.document", doc_id=hit.doc_id, q=q or None,
                              _anchor=f"p-{hit.paragraph}")
        context.update(
            pages=pages,
            page_numbers=range(max(1, result.page - 4), min(pages, result.page + 4) + 1),
            page_url=lambda n: _url(page=str(n)),
            facets=_facets(result),
            active=_active_filters(reader.labels()),
            # every match, so neither page nor size
            csv_url=url_for("api.search", **_args("q", *FILTERS), format="csv"),
        )
    return render_template("search.html", **context)


@bp.get("/doc/<doc_id>/original")
def original(doc_id: str):
    """The report's original file, as a download (never shown inline: an HTML or PDF from a
    folder must not run as this site's page)."""
    path = get_reader().original(doc_id)
    return send_file(path, as_attachment=True, download_name=path.name)


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    q = request.args.get("q", "")
    reader = get_reader()
    doc = reader.document(doc_id)
    needles, loose = reader.needles(q) if q else ([], [])
    paragraphs, matches = [], 0
    for p in doc["paragraphs"]:
        spans = find_spans(p["text"], needles) if needles else []
        if not spans and loose:  # found as the search's partial matches are: by inner words
            spans = find_spans(p["text"], loose)
        matches += len(spans)
        paragraphs.append({**p, "html": mark(p["text"], spans)})
    return render_template("document.html", doc=doc, paragraphs=paragraphs, q=q,
                           match_count=matches)
