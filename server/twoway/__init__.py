"""Two-Way: a sales-email coach that flags one-way writing."""
from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask

from .version import __version__

__all__ = ["__version__", "create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app factory: defaults < TWOWAY_* environment variables < `config`."""
    from flask_cors import CORS

    from . import api, feedback, feedback_api, page, service, team
    from .config import load_config
    from .errors import register_error_handlers
    from .http_guard import register_http_guards

    app = Flask(__name__)
    app.config.update(load_config(config))
    # Requests larger than the text limit (plus JSON overhead) are refused before parsing.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_CHARS"] * 8 + 4096
    # JSON answers keep \uXXXX escapes: a lone surrogate from the request must survive the round trip.
    app.json.ensure_ascii = True
    app.json.sort_keys = False  # issues keep the order the API documents; and it is cheaper

    checker = service.init_app(app)
    feedback.init_app(app, checker.pack_version, [rule.id for rule in checker.pack.rules])
    team.init_app(app)

    # Only the configured origins: the extension calls from its background worker with host
    # permissions (no CORS needed), and any other installed extension must not borrow the API.
    if app.config["CORS_ORIGINS"]:
        CORS(app, resources={r"/api/*": {"origins": list(app.config["CORS_ORIGINS"])}},
             allow_headers=["Content-Type", "Authorization"], max_age=600)

    register_http_guards(app)
    register_error_handlers(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(page.bp)
    app.register_blueprint(feedback_api.bp)
    app.register_blueprint(team.bp)
    logging.getLogger("twoway").setLevel(logging.INFO)
    return app
