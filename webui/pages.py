"""The HTML search page, server-rendered from the same search the API runs."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from indexer.errors import IndexNotFoundError, QueryError

from .engine import get_reader

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    q = request.args.get("q", "")
    result, problem = None, None
    if q:
        try:
            page = request.args.get("page", "1")
            page = int(page) if page.isdigit() and 0 < int(page) <= 1000 else 1
            size = current_app.config["SETTINGS"]["search.page_size"]
            result = get_reader().search(q, page=page, size=size)
        except (QueryError, IndexNotFoundError) as e:
            problem = e.message
    return render_template("search.html", q=q, result=result, problem=problem)
