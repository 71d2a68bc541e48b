"""The OpenAPI 3 document for the API (tests check real responses against it)."""
from __future__ import annotations

from .definitions import CATEGORIES, VERDICTS
from .findings import MODES
from .version import __version__

_ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
}
# The numbers as shown, formatted once by the server (stats_panel.py); clients draw them as they are.
_PANEL = {
    "type": "object",
    "required": ["score", "verdict", "rows"],
    "properties": {
        "score": {"type": "string"},
        "verdict": {"type": "string", "enum": [v for v, _ in VERDICTS] + [""]},
        "rows": {"type": "array", "items": {
            "type": "object", "required": ["key", "label", "value", "target", "state"],
            "properties": {"key": {"type": "string"}, "label": {"type": "string"}, "value": {"type": "string"},
                           "target": {"type": "string"},
                           "state": {"type": "string", "nullable": True, "enum": ["low", "ok", "high", None]}}}},
    },
}
_ISSUE = {
    "type": "object",
    "required": ["rule", "category", "severity", "message", "why", "replacements", "advice", "start", "end",
                 "text", "field"],
    "properties": {
        "rule": {"type": "string"},
        "category": {"type": "string", "enum": list(CATEGORIES)},
        "severity": {"type": "string", "enum": ["error", "warning", "suggestion"]},
        "message": {"type": "string"},
        "why": {"type": "string"},
        "replacements": {"type": "array", "items": {"type": "string"}},
        "advice": {"type": "string"},
        "start": {"type": "integer", "minimum": 0, "description": "UTF-16 code units into the field"},
        "end": {"type": "integer", "minimum": 0},
        "text": {"type": "string", "description": "the flagged slice; empty for email-level findings"},
        "field": {"type": "string", "enum": ["body", "subject"]},
    },
}
_STATS = {
    "type": "object",
    "required": ["words", "sentences", "questions", "reading_grade", "reading_ease", "you_ratio",
                 "alignment_score", "verdict"],
    "properties": {
        "words": {"type": "integer"}, "sentences": {"type": "integer"}, "questions": {"type": "integer"},
        "reading_grade": {"type": "number"}, "reading_ease": {"type": "number"},
        "reader_pronouns": {"type": "integer"}, "seller_pronouns": {"type": "integer"},
        "you_ratio": {"type": "number"}, "longest_sentence_words": {"type": "integer"},
        "alignment_score": {"type": "integer", "minimum": 0, "maximum": 100},
        "verdict": {"type": "string", "enum": [v for v, _ in VERDICTS]},
        "categories": {"type": "object", "additionalProperties": {"type": "integer"}},
        "one_way_sentences": {"type": "integer"},
        "targets": {"type": "object"},
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {400: "Malformed JSON or wrong field types", 401: "API token missing or wrong",
            413: "Text longer than TWOWAY_MAX_CHARS, or a body larger than the server's limit (refused from its "
                 "Content-Length, before reading)",
            415: "Body is not JSON",
            421: "Host header not in TWOWAY_ALLOWED_HOSTS"}
    return {str(c): _json({"$ref": "#/components/schemas/Error"}, text[c]) for c in codes}


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Two-Way", "version": __version__,
                 "description": "Flags one-way (pressure and self-focused) sentences in sales emails."},
        "paths": {
            "/api/v1/lint": {"post": {
                "summary": "Lint one email",
                "description": "The body is RFC 8259 JSON: NaN and Infinity are refused (400), and so is "
                               "`subject: null` (omit the field instead). Answers carry `Cache-Control: no-store`.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["text"],
                    "properties": {"text": {"type": "string"}, "subject": {"type": "string", "nullable": False},
                                   "grammar": {"type": "boolean", "default": True},
                                   "profile": {"type": "string", "enum": ["quiet", "balanced", "thorough"],
                                               "description": "strictness; the server's TWOWAY_STRICTNESS when left out"},
                                   "mode": {"type": "string", "enum": list(MODES), "default": MODES[0],
                                            "description": "send: a draft about to go out (an unfilled merge "
                                                           "field is an error); template: merge fields expected, "
                                                           "malformed ones flagged (docs/readiness.md)"},
                                   "thread": {"type": "boolean", "default": False,
                                              "description": "the email replies to or forwards a real message whose "
                                                             "quoted text is not in 'text' (no fake-reply finding)"}}}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/LintResult"}, "Findings and numbers"),
                              **_errors(400, 401, 413, 415, 421)},
            }},
            "/api/v1/rules": {"get": {"summary": "The rule pack", "responses": {"200": _json({
                "type": "object", "required": ["rules"],
                "properties": {"rules": {"type": "array", "items": {"type": "object"}}}}, "Rules"),
                **_errors(401, 421)}}},
            "/healthz": {"get": {"summary": "Health", "responses": {"200": _json({
                "type": "object", "required": ["status", "version", "rules", "grammar"],
                "properties": {"status": {"type": "string", "enum": ["ok", "busy"]}, "version": {"type": "string"},
                               "load": {"type": "object", "description": "this worker's queue (under `twoway serve`)",
                                        "properties": {"queued": {"type": "integer"}, "running": {"type": "integer"},
                                                       "waited_ms": {"type": "integer"},
                                                       "big_queued": {"type": "integer"}}},
                               "rules": {"type": "integer"},
                               "grammar": {"type": "string", "enum": ["ok", "off", "unavailable"]},
                               "profile": {"type": "string"},
                               "feedback": {"type": "object", "properties": {
                                   "state": {"type": "string", "enum": ["ok", "unavailable", "unknown", "off"]},
                                   "pending": {"type": "integer"}, "dropped": {"type": "integer"}}}}}, "Health")}}},
            "/api/v1/feedback": {"post": {
                "summary": "What a rep did with a card (codes only; counted, never stored as text)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["rule", "action"], "additionalProperties": False,
                    "properties": {
                        "rule": {"type": "string", "description": "a rule id this server showed"},
                        "action": {"type": "string", "enum": ["fixed", "kept", "muted"]},
                        "reason": {"type": "string", "enum": ["not_one_way", "reader_asked", "other"],
                                   "description": "with action kept only"},
                        "profile": {"type": "string", "enum": ["quiet", "balanced", "thorough"]},
                        "install": {"type": "string", "format": "uuid",
                                    "description": "the extension's install id; stored as a keyed hash only when "
                                                   "the team turns TWOWAY_FEEDBACK_INSTALLS on"}}}}}},
                "responses": {"202": _json({"type": "object", "required": ["stored"],
                                            "properties": {"stored": {"type": "boolean"}}},
                                           "Counted (stored false when TWOWAY_FEEDBACK=off)"),
                              **_errors(400, 401, 413, 415, 421)},
            }},
            "/api/v1/team/stats": {"get": {
                "summary": "The team's figures per rule and per week (Authorization: Bearer ADMIN_TOKEN)",
                "parameters": [{"name": "days", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 3660}}],
                "responses": {"200": _json({"type": "object", "required": ["rules", "weeks"], "properties": {
                    "rules": {"type": "array", "items": {"type": "object", "required": [
                        "rule", "shown", "fixed", "kept", "muted", "kept_rate", "fixed_rate", "measured_precision",
                        "review"]}},
                    "weeks": {"type": "array", "items": {"type": "object", "required": [
                        "week", "shown", "fixed", "kept", "muted"]}}}}, "Counts"),
                    **_errors(400, 401, 421)}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document",
                                              "responses": {"200": {"description": "OpenAPI document"}}}},
        },
        "components": {"schemas": {
            "Error": _ERROR, "Issue": _ISSUE, "Stats": _STATS, "Panel": _PANEL,
            "LintResult": {"type": "object", "required": ["issues", "stats", "panel", "grammar"], "properties": {
                "issues": {"type": "array", "items": {"$ref": "#/components/schemas/Issue"}},
                "stats": {"$ref": "#/components/schemas/Stats"},
                "panel": {"$ref": "#/components/schemas/Panel"},
                "grammar": {"type": "string", "enum": ["ok", "partial", "off", "unavailable"],
                            "description": "partial: a long text's grammar comes in slices; lint it again for the rest"},
                "profile": {"type": "string", "enum": ["quiet", "balanced", "thorough"]},
                "mode": {"type": "string", "enum": list(MODES)}}},
        }},
    }
