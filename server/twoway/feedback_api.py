"""POST /api/v1/feedback: what a rep did with a card, as codes (issue 20); and the "shown"
counts taken from the lint answers the server sends (count_shown, called by every lint path).

Every field is a code from a fixed list (or a rule id this server knows): a field that could
carry text is refused with 400, so no word of an email can reach the counts.
"""
from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request

from .errors import ApiError
from .feedback import ACTIONS, INSTALL_ID, REASONS, feedback_of
from .profiles import PROFILES
from .service import Report, checker_of

bp = Blueprint("feedback_api", __name__)

FIELDS = ("rule", "action", "reason", "profile", "install")
_MAX_BODY = 1024  # a feedback request is a few codes


def count_shown(app, report: Report) -> None:
    """Count what this lint answer shows, each finding once per draft (feedback/__init__.py)."""
    service = feedback_of(app)
    if not service.enabled or not report.findings:
        return
    first_line = report.text.lstrip().split("\n", 1)[0][:64]
    sources = {"body": report.text, "subject": report.subject}
    service.record_shown(((f.rule, f.field, sources[f.field][f.start:f.end]) for f in report.findings),
                         first_line, report.profile)


def validate_feedback(payload, known_rule) -> dict:
    if not isinstance(payload, dict):
        raise ApiError(400, "invalid_request", "The JSON body must be an object: {\"rule\", \"action\", \"reason\"}.")
    extra = sorted(set(payload) - set(FIELDS))
    if extra:
        raise ApiError(400, "invalid_request", f"Unknown field {extra[0]!r}: feedback takes only "
                       f"{', '.join(FIELDS)}, each a code (no text).")
    rule, action = payload.get("rule"), payload.get("action")
    if not isinstance(rule, str) or not rule:
        raise ApiError(400, "invalid_request", "Field 'rule' must be the id of a rule, as the lint answer gave it.")
    if not isinstance(action, str) or action not in ACTIONS:
        raise ApiError(400, "invalid_request", f"Field 'action' must be one of {', '.join(ACTIONS)}.")
    reason = payload.get("reason")
    if reason is not None:
        if not isinstance(reason, str) or reason not in REASONS:
            raise ApiError(400, "invalid_request", f"Field 'reason' must be one of {', '.join(REASONS)}, or left out.")
        if action != "kept":
            raise ApiError(400, "invalid_request", "A reason goes with action 'kept' only.")
    profile = payload.get("profile")
    if profile is not None and profile not in PROFILES:
        raise ApiError(400, "invalid_request", f"Field 'profile' must be one of {', '.join(PROFILES)}.")
    install = payload.get("install")
    if install is not None and not (isinstance(install, str) and INSTALL_ID.match(install.lower())):
        raise ApiError(400, "invalid_request", "Field 'install' must be the extension's install id (a UUID).")
    if len(rule) > 120 or not known_rule(rule):
        raise ApiError(400, "unknown_rule", "Unknown rule: send the id of a rule this server showed.")
    return {"rule": rule, "action": action, "reason": reason, "profile": profile, "install": install}


@bp.post("/api/v1/feedback")
def feedback():
    if not request.mimetype or request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the request body as JSON (Content-Type: application/json).")
    if (request.content_length or 0) > _MAX_BODY:
        raise ApiError(413, "too_large", "A feedback request is a few codes; this one is too large.")
    try:
        payload = json.loads(request.get_data(cache=False)[:_MAX_BODY + 1].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    service = feedback_of(current_app)
    fields = validate_feedback(payload, service.known_rule)
    if not service.enabled:
        return jsonify({"stored": False, "feedback": "off"}), 202
    service.record_action(fields["rule"], fields["action"], fields["reason"],
                          fields["profile"] or checker_of(current_app).profile, fields["install"])
    return jsonify({"stored": True}), 202
