"""The HTTP API: POST /api/v1/lint, GET /api/v1/rules, GET /api/v1/openapi.json, GET /healthz."""
from __future__ import annotations

import hmac
import json

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .version import __version__
from .errors import ApiError
from .findings import MODES
from .feedback import feedback_of
from .feedback_api import count_shown
from .profiles import PROFILES
from .service import Report, checker_of
from .stats_panel import stats_panel
from .utf16 import Utf16Map

bp = Blueprint("api", __name__)


@bp.before_app_request
def _require_token():
    token = current_app.config.get("API_TOKEN")
    if not token or request.method == "OPTIONS" or not request.path.startswith("/api/"):
        return None
    if request.path.startswith("/api/v1/team/"):
        return None  # the team dashboard's own token (ADMIN_TOKEN) guards it: team.py
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
        body = request.get_data(cache=False)
    except HTTPException:
        raise  # 413 from the limited stream
    except Exception:  # the HTTP server's reader refused the body (a malformed chunk, a cut upload)
        raise ApiError(400, "invalid_request", "The request body could not be read as HTTP.") from None
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_not_json_number)
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
    profile = payload.get("profile")
    if profile is not None and profile not in PROFILES:
        raise ApiError(400, "invalid_request", f"Field 'profile' must be one of {', '.join(PROFILES)} (or left out "
                       "for this server's).")
    mode = payload.get("mode", MODES[0])
    if mode not in MODES:
        shown = json.dumps(mode)[:40]
        raise ApiError(400, "invalid_request", f"Field 'mode' must be \"send\" (a draft about to go out: "
                       f"unfilled merge fields are errors) or \"template\" (merge fields expected), not {shown}.")
    thread = payload.get("thread", False)
    if not isinstance(thread, bool):
        raise ApiError(400, "invalid_request", "Field 'thread' must be true or false.")
    if len(text) + len(subject) > max_chars:
        raise ApiError(413, "text_too_long", f"The text is longer than this server's limit of {max_chars} characters.")
    return {"text": text, "subject": subject, "grammar": grammar, "profile": profile, "mode": mode, "thread": thread}


def serialize_report(report: Report) -> dict:
    """The lint answer's JSON: offsets in UTF-16 code units (JavaScript's and LanguageTool's)."""
    maps = {"body": Utf16Map(report.text), "subject": Utf16Map(report.subject)}
    sources = {"body": report.text, "subject": report.subject}
    body = maps["body"]
    return {
        "issues": [{
            "rule": f.rule,
            "category": f.category,
            "severity": f.severity,
            "message": f.message,
            "why": f.why,
            "replacements": list(f.replacements),
            "advice": f.advice,
            "start": maps[f.field].to_utf16(f.start),
            "end": maps[f.field].to_utf16(f.end),
            "text": sources[f.field][f.start:f.end],
            "field": f.field,
        } for f in report.findings],
        "stats": report.stats,
        # The numbers as shown (stats_panel.py): the extension and the page draw them as they are.
        "panel": stats_panel(report.stats),
        "grammar": report.grammar,
        "profile": report.profile,
        "mode": report.mode,
        # The email's structure: what was read as greeting, body, signature, quoted thread...
        "parts": [{"kind": b.kind, "start": body.to_utf16(b.start), "end": body.to_utf16(b.end)}
                  for b in report.email.blocks],
    }


@bp.post("/api/v1/lint")
def lint():
    req = parse_lint_request()
    report = checker_of(current_app).check(req["text"], req["subject"], req["grammar"], req["profile"],
                                           mode=req["mode"], thread=req["thread"])
    count_shown(current_app, report)
    return jsonify(serialize_report(report))


@bp.get("/api/v1/rules")
def rules():
    pack = checker_of(current_app).pack
    return jsonify({"rules": [rule.describe() for rule in pack.rules]})


@bp.get("/healthz")
def healthz():
    """Answered on a lane of its own under `twoway serve` (never behind lints): "busy" when lints
    wait in this worker's queue longer than serve.BUSY_WAIT, so a balancer sees saturation."""
    from .load import saturation

    load = saturation()
    answer = {
        "status": "busy" if load and load["busy"] else "ok",
        "version": __version__,
        "rules": len(checker_of(current_app).pack.rules),
        "grammar": checker_of(current_app).grammar.state,
        "profile": checker_of(current_app).profile,
        # Counts waiting for the database (it is down or locked when state is "unavailable").
        "feedback": feedback_of(current_app).health(),
    }
    if load is not None:
        answer["load"] = {key: load[key] for key in ("queued", "running", "waited_ms", "big_queued")}
    return jsonify(answer)


@bp.get("/api/v1/openapi.json")
def openapi():
    from .openapi import openapi_document
    return jsonify(openapi_document())
