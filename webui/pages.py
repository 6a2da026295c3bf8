"""HTML pages: the search page and the document view, from the same search the API runs."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from indexer.errors import DocumentNotFoundError, ReportSearchError
from indexer.highlight import find_spans, mark

from .engine import get_reader, run_search

bp = Blueprint("pages", __name__)
FILTERS = {"doc": "报告", "year": "年份", "section": "章节"}


def _url(**changes) -> str:
    """The current search URL with some parameters replaced (None removes one)."""
    args = {k: request.args.getlist(k) for k in request.args}
    args.pop("page", None)
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
    reader_problem, result, suggestions = None, None, []
    try:
        reader = get_reader()
        documents = []
        if q or any(request.args.getlist(n) for n in FILTERS):
            result = run_search()
            if not result.total:
                suggestions = reader.suggest(q)
        else:  # the report list is only shown on the empty home page, not on every search
            documents = reader.documents()
    except ReportSearchError as e:
        reader_problem, documents = e.message, []
    context = {"q": q, "result": result, "problem": reader_problem, "documents": documents,
               "suggestions": suggestions}
    if result is not None:
        pages = max(1, -(-result.total // result.size))
        for hit in result.results:
            hit.url = url_for("pages.document", doc_id=hit.doc_id, q=q or None,
                              _anchor=f"p-{hit.paragraph}")
        context.update(
            pages=pages,
            page_numbers=range(max(1, result.page - 4), min(pages, result.page + 4) + 1),
            page_url=lambda n: _url(page=str(n)),
            facets=_facets(result),
            active=_active_filters(reader.titles()),
            csv_url=url_for("api.search", **{k: request.args.getlist(k) for k in request.args},
                            format="csv"),
        )
    return render_template("search.html", **context)


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    q = request.args.get("q", "")
    reader = get_reader()
    try:
        doc = reader.document(doc_id)
    except DocumentNotFoundError as e:
        return render_template("search.html", q="", result=None, problem=e.message,
                               documents=reader.documents(), suggestions=[]), 404
    needles = reader.needles(q) if q else []
    paragraphs, matches = [], 0
    for p in doc["paragraphs"]:
        spans = find_spans(p["text"], needles) if needles else []
        matches += len(spans)
        paragraphs.append({**p, "html": mark(p["text"], spans)})
    return render_template("document.html", doc=doc, paragraphs=paragraphs, q=q,
                           match_count=matches)
