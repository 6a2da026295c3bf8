"""/api/docs: Swagger UI over our OpenAPI document, for trying calls in a browser. Its files
come from the flask-swagger-ui package and are served from here: the page works offline."""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, render_template, send_from_directory
from werkzeug.exceptions import NotFound

bp = Blueprint("apidocs", __name__, url_prefix="/api/docs")
# Only the files the page loads; the rest of the package's dist/ is not ours to serve.
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png")


def dist_dir() -> str:
    return str(resources.files("flask_swagger_ui").joinpath("dist"))


@bp.get("")
def page():
    return render_template("api_docs.html")


@bp.get("/<name>")
def asset(name: str):
    if name not in ASSETS:
        raise NotFound()
    return send_from_directory(dist_dir(), name)
