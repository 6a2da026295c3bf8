"""JSON API: /api/search and /api/health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from indexer.errors import IndexNotFoundError, QueryError

from .engine import get_reader

bp = Blueprint("api", __name__, url_prefix="/api")


def error(code: str, message: str, status: int):
    return jsonify({"error": {"code": code, "message": message}}), status


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise QueryError(f"{name} must be an integer from {low} to {high}")
    return int(raw)


@bp.get("/search")
def search():
    settings = current_app.config["SETTINGS"]
    try:
        page = _int_arg("page", 1, 1, settings["search.max_page"])
        size = _int_arg("size", settings["search.page_size"], 1, settings["search.max_page_size"])
        result = get_reader().search(
            request.args.get("q", ""), page=page, size=size,
            doc=request.args.getlist("doc"), year=request.args.getlist("year"),
            section=request.args.getlist("section"),
        )
    except QueryError as e:
        return error("invalid_parameter", e.message, 400)
    except IndexNotFoundError as e:
        return error(e.code, e.message, 503)
    return jsonify(result.as_json())


@bp.get("/health")
def health():
    try:
        status = get_reader().status()
    except IndexNotFoundError as e:
        return error(e.code, e.message, 503)
    return jsonify({"status": "ok", "generation": status["generation"],
                    "documents": status["documents"], "paragraphs": status["paragraphs"]})
