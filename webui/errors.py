"""One function makes every JSON error; each code maps to one HTTP status."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

STATUS = {
    "invalid_parameter": 400,
    "invalid_query": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "document_not_found": 404,
    "method_not_allowed": 405,
    "index_busy": 409,
    "index_not_found": 503,
    "internal": 500,
}
HTTP_CODES = {400: "invalid_parameter", 404: "not_found", 405: "method_not_allowed"}


def error_response(code: str, message: str, status: int | None = None):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status or STATUS[code]
    return response


def init_app(app: Flask) -> None:
    """Under /api/ every error, routing ones included, is the JSON envelope."""

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if not request.path.startswith("/api/"):
            return e
        response = error_response(HTTP_CODES.get(e.code, "http_error"), e.description, e.code)
        if e.code == 405 and e.valid_methods:
            response.headers["Allow"] = ", ".join(e.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("unexpected error on %s", request.path)
        if request.path.startswith("/api/"):
            return error_response("internal", "internal error; it has been logged")
        return "内部错误，已记录。", 500
