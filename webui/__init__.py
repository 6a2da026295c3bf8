"""Flask front end over the indexer: an HTML search page and a JSON API."""

from __future__ import annotations

import os
import secrets

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from indexer.analysis import warm_up
from indexer.config import load_settings

INDEX_ENV = "REPORT_SEARCH_INDEX"


def create_app(test_config: dict | None = None) -> Flask:
    """App factory; gunicorn runs ``webui:create_app()``.

    ``test_config`` may carry ``SETTINGS`` (an indexer Settings object) to bypass the YAML file,
    and ``EXPORT_LIMIT`` (rows in one CSV export, default webui.export.EXPORT_LIMIT).
    """
    app = Flask(__name__)
    app.config.update(test_config or {})
    settings = app.config.get("SETTINGS") or load_settings()
    if os.environ.get(INDEX_ENV) and "SETTINGS" not in app.config:
        settings = settings.replace(index__path=os.environ[INDEX_ENV])
    app.config["SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings["server.max_upload_mb"] * 1_000_000
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
                      WTF_CSRF_TIME_LIMIT=None)  # the token lives as long as the session
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # keep the documented field order
    # Load jieba and the fold table once here: with gunicorn --preload, before workers fork.
    warm_up(settings.user_words())

    from . import admin, api, apidocs, engine, errors, pages

    token = settings["server.admin_token"]
    app.secret_key = admin.session_key(token) if token else secrets.token_hex(32)
    engine.init_app(app)
    errors.init_app(app)
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # scripts send the Bearer token; the admin page's calls are checked there
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(apidocs.bp)
    app.register_blueprint(admin.bp)
    return app
