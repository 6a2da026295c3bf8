"""The JSON API for scripts; the same search the page runs, rendered as JSON (or CSV)."""

from __future__ import annotations

import csv
import functools
import hmac
import io
from importlib import resources

import yaml
from flask import Blueprint, Response, current_app, jsonify, request

from indexer.analysis import explain
from indexer.errors import ReportSearchError
from indexer.writer import index_reports

from .engine import BadParameter, get_reader, run_search
from .errors import error_response

bp = Blueprint("api", __name__, url_prefix="/api")
EXPORT_LIMIT = 1000  # rows in one CSV export
FORMATS = ("json", "csv")  # as listed in openapi.yaml


@bp.errorhandler(ReportSearchError)
def domain_error(e: ReportSearchError):
    return error_response(e.code, e.message)


@bp.get("/search")
def search():
    answer = request.args.get("format") or "json"
    if answer not in FORMATS:
        raise BadParameter("format must be json or csv")
    if answer == "csv":
        return export_csv()
    return jsonify(run_search().as_json())


def export_csv() -> Response:
    result = run_search(size_cap=EXPORT_LIMIT)
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(out)
    writer.writerow(["rank", "doc_id", "title", "section_path", "paragraph", "score", "text"])
    first = (result.page - 1) * result.size + 1
    for rank, hit in enumerate(result.results, first):
        writer.writerow([rank, hit.doc_id, hit.title, " › ".join(hit.section_path),
                         hit.paragraph, hit.score, hit.text])
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": "attachment; filename=report-search.csv",
    })


@bp.get("/analyze")
def analyze():
    text = request.args.get("text", "")
    settings = current_app.config["SETTINGS"]
    if len(text) > settings["search.max_query_length"]:
        raise BadParameter(
            f"text is longer than {settings['search.max_query_length']} characters")
    return jsonify(explain(text, settings.user_words(), settings.stop_words()))


@bp.get("/documents")
def documents():
    return jsonify({"documents": get_reader().documents()})


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    return jsonify(get_reader().document(doc_id))


@bp.get("/health")
def health():
    status = get_reader().status()
    return jsonify({"status": "ok", "generation": status["generation"],
                    "documents": status["documents"], "paragraphs": status["paragraphs"]})


@bp.post("/index")
def reindex():
    token = current_app.config["SETTINGS"]["server.admin_token"]
    if not token:
        return error_response("forbidden", "re-indexing over the API is disabled: "
                              "set server.admin_token in the config file")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:  # the scheme is case-insensitive (RFC 9110)
        response = error_response("unauthorized", "send Authorization: Bearer <admin token>")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if not hmac.compare_digest(given.encode(), token.encode()):
        return error_response("forbidden", "wrong admin token")
    summary = index_reports(current_app.config["SETTINGS"])
    return jsonify(summary.as_dict())


@functools.cache
def openapi_document() -> dict:
    return yaml.safe_load(resources.files("webui").joinpath("openapi.yaml").read_text("utf-8"))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
