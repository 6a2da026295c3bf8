"""The admin page (/admin): log in with the admin token, upload reports, watch their jobs,
remove uploaded reports. Its forms carry Flask-WTF's CSRF token; its session cookie is signed,
HttpOnly and SameSite=Strict. With no ``server.admin_token`` there is no admin page.

The requests only enqueue: a job process does the indexing (indexer/jobs.py), since the index
has one writer and gunicorn kills a worker that is silent for 30 s.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.datastructures import FileStorage
from wtforms import ValidationError

from indexer import jobs, uploads
from indexer.errors import ReportSearchError

from .engine import get_reader
from .errors import error_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


class NoFilesError(ReportSearchError):
    code = "no_files"


class NotAnUploadError(ReportSearchError):
    code = "not_an_upload"


def _token() -> str | None:
    return current_app.config["SETTINGS"]["server.admin_token"]


def session_key(token: str) -> str:
    """The cookie-signing key, from the token: every worker derives the same one, and a new
    token signs out every session."""
    return hmac.new(token.encode(), b"report-search admin session", hashlib.sha256).hexdigest()


def logged_in() -> bool:
    token = _token()
    return bool(token) and hmac.compare_digest(session.get("admin", ""), session_key(token)[:16])


def csrf_ok(value: str | None) -> bool:
    try:
        validate_csrf(value)
    except ValidationError:
        return False
    return True


def refuse_too_large() -> None:
    """A 413 from the declared length, before Werkzeug spools the body to a temporary file
    (which it leaves open when it stops at the limit halfway)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"the upload is larger than server.max_upload_mb "
                   f"({limit / 1e6:g} MB)")


def enqueue_uploads(files: list[FileStorage]) -> dict:
    """Check each file's content and queue the acceptable ones (the refused are listed in the
    job as failed); no file at all is a 422, none acceptable a 415."""
    given = [f for f in files if f.filename]
    if not given:
        raise NoFilesError("no file: send one or more multipart fields named 'file'")
    accepted, refused = [], []
    for storage in given:
        data = storage.read()
        try:
            uploads.check_upload(storage.filename, data)
            accepted.append((storage.filename, data))
        except uploads.UnsupportedUploadError as e:
            refused.append((storage.filename, e.message.removeprefix(storage.filename + ": ")))
    if not accepted:
        raise uploads.UnsupportedUploadError("; ".join(f"{n}: {why}" for n, why in refused))
    return jobs.start_upload_job(current_app.config["SETTINGS"], accepted, refused)


def enqueue_delete(doc_id: str) -> dict:
    settings = current_app.config["SETTINGS"]
    reader = get_reader()
    path = reader.path_of(doc_id)
    if not uploads.is_upload(path, settings):
        raise NotAnUploadError(f"{doc_id} was read from an indexed folder, not uploaded: "
                               "delete or move its file there (or `report-search forget`)")
    title = reader.titles().get(doc_id, "")
    return jobs.start_delete_job(settings, doc_id, path, title)


@bp.before_request
def only_with_a_token():
    if not _token():
        abort(404)


@bp.errorhandler(ReportSearchError)
def domain_error(e: ReportSearchError):
    return error_page(e.code)


@bp.errorhandler(CSRFError)
def stale_form(e: CSRFError):
    return error_page("csrf_failed")


@bp.get("/")
def page():
    if not logged_in():
        return render_template("admin_login.html", wrong=False)
    settings = current_app.config["SETTINGS"]
    reader = get_reader()
    uploaded = reader.documents(under=uploads.uploads_dir(settings))
    return render_template("admin.html", jobs=jobs.list_jobs(settings), uploaded=uploaded,
                           folder_documents=reader.status()["documents"] - len(uploaded),
                           max_mb=settings["server.max_upload_mb"])


@bp.post("/login")
def login():
    token = _token()
    given = request.form.get("token", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return render_template("admin_login.html", wrong=True), 403
    session.clear()
    session["admin"] = session_key(token)[:16]
    return redirect(url_for("admin.page"), 303)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("admin.page"), 303)


@bp.post("/upload")
def upload():
    """The form's way (without JavaScript); the page's script posts to /api/documents."""
    if not logged_in():
        abort(401)
    refuse_too_large()
    enqueue_uploads(request.files.getlist("file"))
    return redirect(url_for("admin.page"), 303)


@bp.post("/documents/<doc_id>/delete")
def delete(doc_id: str):
    if not logged_in():
        abort(401)
    enqueue_delete(doc_id)
    return redirect(url_for("admin.page"), 303)
