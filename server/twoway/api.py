"""The HTTP API: POST /api/v1/lint, GET /api/v1/rules, GET /api/v1/openapi.json, GET /healthz."""
from __future__ import annotations

import hmac
import json

from flask import Blueprint, current_app, jsonify, request

from . import __version__
from .errors import ApiError
from .findings import CATEGORIES, Finding
from .grammar import merge_findings
from .textutil import Utf16Map

bp = Blueprint("api", __name__)


@bp.before_app_request
def _require_token():
    token = current_app.config.get("API_TOKEN")
    if not token or request.method == "OPTIONS" or not request.path.startswith("/api/"):
        return None
    # Compared as bytes: a header with non-ASCII bytes is just a wrong token (401), never a 500.
    scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
    given = given.strip().encode("utf-8", "surrogateescape")
    if not (scheme.lower() == "bearer" and hmac.compare_digest(given, str(token).encode("utf-8"))):
        raise ApiError(401, "unauthorized", "This server needs an API token: send 'Authorization: Bearer <token>'.")
    return None


def parse_lint_request() -> dict:
    """The validated lint request, or an ApiError that says what is wrong with it."""
    if not request.mimetype or request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the request body as JSON (Content-Type: application/json).")
    try:
        payload = json.loads(request.get_data(cache=False).decode("utf-8"), parse_constant=_not_json_number)
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_json", "The request body is not UTF-8.") from None
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    return validate_lint_payload(payload, current_app.config["MAX_CHARS"])


def _not_json_number(name: str):
    raise ValueError(f"{name} is not a JSON number")  # NaN, Infinity: Python accepts them, JSON does not


def validate_lint_payload(payload, max_chars: int) -> dict:
    if not isinstance(payload, dict):
        raise ApiError(400, "invalid_request", "The JSON body must be an object with a 'text' field.")
    text = payload.get("text")
    if "text" not in payload:
        raise ApiError(400, "invalid_request", "Missing field 'text' (the email body, a string).")
    if not isinstance(text, str):
        raise ApiError(400, "invalid_request", "Field 'text' must be a string.")
    subject = payload.get("subject", "")
    if not isinstance(subject, str):  # null too: the schema says string (omit it for none)
        raise ApiError(400, "invalid_request", "Field 'subject' must be a string.")
    grammar = payload.get("grammar", True)
    if not isinstance(grammar, bool):
        raise ApiError(400, "invalid_request", "Field 'grammar' must be true or false.")
    if len(text) + len(subject) > max_chars:
        raise ApiError(413, "text_too_long", f"The text is longer than this server's limit of {max_chars} characters.")
    return {"text": text, "subject": subject, "grammar": grammar}


def lint_response(text: str, subject: str = "", grammar: bool = True) -> dict:
    """The lint answer for one email: the same JSON for the API, the CLI and the page."""
    result = current_app.extensions["twoway.linter"].lint(text, subject)
    findings = list(result.findings)
    grammar_state = "off"
    if grammar:
        extra, grammar_state = current_app.extensions["twoway.grammar"].check(text, subject)
        findings = merge_findings(findings, extra)
    findings.sort(key=Finding.sort_key)
    stats = dict(result.stats)
    # Counted here, where the rule and grammar findings first stand together.
    stats["categories"] = {c: sum(1 for f in findings if f.category == c) for c in CATEGORIES}
    return {
        "issues": serialize_findings(findings, text, subject),
        "stats": stats,
        "grammar": grammar_state,
    }


def serialize_findings(findings: list[Finding], text: str, subject: str) -> list[dict]:
    maps = {"body": Utf16Map(text), "subject": Utf16Map(subject)}
    sources = {"body": text, "subject": subject}
    out = []
    for f in findings:
        offsets = maps[f.field]
        out.append({
            "rule": f.rule,
            "category": f.category,
            "severity": f.severity,
            "message": f.message,
            "why": f.why,
            "replacements": list(f.replacements),
            "advice": f.advice,
            "start": offsets.to_utf16(f.start),
            "end": offsets.to_utf16(f.end),
            "text": sources[f.field][f.start:f.end],
            "field": f.field,
        })
    return out


@bp.post("/api/v1/lint")
def lint():
    req = parse_lint_request()
    return jsonify(lint_response(req["text"], req["subject"], req["grammar"]))


@bp.get("/api/v1/rules")
def rules():
    pack = current_app.extensions["twoway.linter"].pack
    return jsonify({"rules": [rule.describe() for rule in pack.rules]})


@bp.get("/healthz")
def healthz():
    return jsonify({
        "status": "ok",
        "version": __version__,
        "rules": len(current_app.extensions["twoway.linter"].pack.rules),
        "grammar": current_app.extensions["twoway.grammar"].state,
    })


@bp.get("/api/v1/openapi.json")
def openapi():
    from .openapi import openapi_document
    return jsonify(openapi_document())
