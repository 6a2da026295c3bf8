"""One function makes every JSON error, one every HTML error page; each code maps to one
HTTP status. The API answers in English, the page in Chinese (messages.py)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .messages import chinese

STATUS = {
    "invalid_parameter": 400,
    "invalid_query": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "document_not_found": 404,
    "job_not_found": 404,
    "method_not_allowed": 405,
    "index_busy": 409,
    "not_an_upload": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "no_files": 422,
    "csrf_failed": 400,
    "index_not_found": 503,
    "internal": 500,
}
# Any other code (invalid_config, unreadable_file, index_worker_failed, and classes added to
# indexer.errors later) is a server-side failure: 500 with its own code, never a KeyError here.
DEFAULT_STATUS = 500
HTTP_CODES = {400: "invalid_parameter", 404: "not_found", 405: "method_not_allowed",
              413: "payload_too_large"}


def status_of(code: str) -> int:
    return STATUS.get(code, DEFAULT_STATUS)


def error_response(code: str, message: str, status: int | None = None):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status or status_of(code)
    return response


def error_page(code: str, status: int | None = None, reason: str | None = None, **details):
    """The page's error: the message for ``code`` in Chinese, in the site's layout."""
    message = chinese(code, reason, **details)
    return render_template("error.html", message=message, q=request.args.get("q", "")), \
        status or status_of(code)


def init_app(app: Flask) -> None:
    """Under /api/ every error, routing ones included, is the JSON envelope; elsewhere it is
    a Chinese page in the site's layout."""

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        code = HTTP_CODES.get(e.code, "http_error")
        if request.path.startswith("/api/"):
            response = error_response(code, e.description, e.code)
        else:
            details = {"method": request.method} if e.code == 405 else {}
            response = app.make_response(error_page(code, e.code, "method", **details))
        if e.code == 405 and e.valid_methods:
            response.headers["Allow"] = ", ".join(e.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("unexpected error on %s", request.path)
        if request.path.startswith("/api/"):
            return error_response("internal", "internal error; it has been logged")
        try:
            return error_page("internal")
        except Exception:  # the layout itself may be what failed
            app.logger.exception("the error page failed too")
            return chinese("internal"), 500, {"Content-Type": "text/plain; charset=utf-8"}
