"""The JSON API for scripts; the same search the page runs, rendered as JSON (or CSV)."""

from __future__ import annotations

import functools
import hmac
from importlib import resources

import yaml
from flask import Blueprint, Response, current_app, jsonify, request, url_for

from indexer import jobs
from indexer.analysis import explain
from indexer.errors import ReportSearchError

from . import admin
from .engine import BadParameter, get_reader, int_arg, params, run_export, run_search
from .errors import error_response
from .export import EXPORT_LIMIT, results_csv

bp = Blueprint("api", __name__, url_prefix="/api")
FORMATS = ("json", "csv")  # as listed in openapi.yaml


@bp.errorhandler(ReportSearchError)
def domain_error(e: ReportSearchError):
    return error_response(e.code, e.message)


@bp.get("/search")
@bp.post("/search")
def search():
    """GET with a query string, or POST with the same parameters as a JSON body: a whole
    pasted paragraph is longer than a URL may be (gunicorn answers 414 past ~4 KB)."""
    answer = params().get("format") or "json"
    if answer not in FORMATS:
        raise BadParameter("format must be json or csv")
    if answer == "csv":
        return export_csv()
    return jsonify(run_search().as_json())


def export_csv() -> Response:
    """Every match, not one page: the page's 导出 CSV link is meant to export them all."""
    limit = current_app.config.get("EXPORT_LIMIT", EXPORT_LIMIT)
    result = run_export(limit)
    # content_type, not mimetype: Werkzeug appends "; charset=utf-8" to a text/* mimetype.
    return Response(results_csv(result), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": "attachment; filename=report-search.csv",
        "X-Total-Count": str(result.total),
        "X-Truncated": "true" if result.total > limit else "false",
    })


@bp.get("/analyze")
def analyze():
    text = request.args.get("text", "")
    settings = current_app.config["SETTINGS"]
    if len(text) > settings["search.max_query_length"]:
        raise BadParameter(
            f"text is longer than {settings['search.max_query_length']} characters")
    return jsonify(explain(text, settings.user_words(), settings.stop_words()))


# Documents per page of GET /api/documents, as listed in openapi.yaml.
DOCUMENTS_PAGE_SIZE, MAX_DOCUMENTS_PAGE_SIZE, MAX_DOCUMENTS_PAGE = 100, 1000, 100_000


@bp.get("/documents")
def documents():
    page = int_arg("page", 1, 1, MAX_DOCUMENTS_PAGE)
    size = int_arg("size", DOCUMENTS_PAGE_SIZE, 1, MAX_DOCUMENTS_PAGE_SIZE)
    every = get_reader().documents()
    return jsonify({"total": len(every), "page": page, "size": size,
                    "documents": every[(page - 1) * size: page * size]})


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    return jsonify(get_reader().document(doc_id))


@bp.get("/health")
def health():
    status = get_reader().status()
    return jsonify({"status": "ok", "generation": status["generation"],
                    "documents": status["documents"], "paragraphs": status["paragraphs"]})


def _admin_refusal():
    """None when the request carries the admin token, or comes from the admin page (its
    session cookie and its CSRF token), else the error response to send."""
    token = current_app.config["SETTINGS"]["server.admin_token"]
    if not token:
        return error_response("forbidden", "the admin API (uploads, re-indexing, jobs) is "
                              "disabled: set server.admin_token in the config file")
    if "Authorization" not in request.headers and admin.logged_in():
        if request.method in ("GET", "HEAD") or admin.csrf_ok(request.headers.get("X-CSRFToken")):
            return None
        return error_response("csrf_failed", "missing or stale X-CSRFToken header; reload "
                              "the admin page")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:  # the scheme is case-insensitive (RFC 9110)
        response = error_response("unauthorized", "send Authorization: Bearer <admin token>")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if not hmac.compare_digest(given.encode(), token.encode()):
        return error_response("forbidden", "wrong admin token")
    return None


def _accepted(job: dict, body: dict):
    """202 with ``body``, and the job's URL to poll in Location."""
    response = jsonify(body)
    response.status_code = 202
    response.headers["Location"] = url_for("api.job", job_id=job["id"])
    return response


@bp.post("/documents")
def upload():
    """Store uploaded reports and queue their indexing; poll the job for each file's outcome."""
    if (refusal := _admin_refusal()) is not None:
        return refusal
    admin.refuse_too_large()
    job = admin.enqueue_uploads(request.files.getlist("file"))
    return _accepted(job, {"job": job})


@bp.delete("/documents/<doc_id>")
def delete_document(doc_id: str):
    if (refusal := _admin_refusal()) is not None:
        return refusal
    job = admin.enqueue_delete(doc_id)
    return _accepted(job, {"job": job})


@bp.post("/index")
def reindex():
    """Start re-reading every source of the index in the background; poll the job."""
    if (refusal := _admin_refusal()) is not None:
        return refusal
    job = jobs.start_index_job(current_app.config["SETTINGS"])
    return _accepted(job, job)  # the job itself, as this endpoint always answered


@bp.get("/jobs")
def job_list():
    if (refusal := _admin_refusal()) is not None:
        return refusal
    return jsonify({"jobs": jobs.list_jobs(current_app.config["SETTINGS"])})


@bp.get("/jobs/<job_id>")
def job(job_id: str):
    if (refusal := _admin_refusal()) is not None:
        return refusal
    return jsonify(jobs.read_job(current_app.config["SETTINGS"], job_id))


@functools.cache
def openapi_document() -> dict:
    return yaml.safe_load(resources.files("webui").joinpath("openapi.yaml").read_text("utf-8"))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
