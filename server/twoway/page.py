"""The paste-in lint page at GET / (issue 5 fills this in)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("page", __name__)


@bp.get("/")
def index():
    return "<!doctype html><title>Two-Way</title><p>The lint page is coming.</p>"
