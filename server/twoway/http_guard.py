"""Request guards that hold for every route, registered by `register_http_guards(app)`.

- Host allow-list (ALLOWED_HOSTS): a DNS-rebinding page reaches a loopback server under its
  own name; an unknown Host gets 421 before any route runs.
- Body limit before reading: a Content-Length above MAX_CONTENT_LENGTH is refused with 413
  from the headers alone, so a 1 GB upload costs nothing (chunked bodies are cut by Werkzeug's
  limited stream at the same size).
- `Cache-Control: no-store` on every answer that can quote email text (the API and any POST),
  so no browser or proxy cache keeps a draft.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import ApiError


def _hostname(host_header: str) -> str:
    """The name part of a Host header, lower-case, without the port ("[::1]:8765" -> "::1")."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_allowed(host_header: str, allowed: list[str]) -> bool:
    if "*" in allowed:
        return True
    name = _hostname(host_header)
    return bool(name) and name in {_hostname(a) for a in allowed}


def _check_host():
    if not host_allowed(request.host or "", list(current_app.config.get("ALLOWED_HOSTS") or [])):
        raise ApiError(421, "misdirected_request",
                       "This server does not answer to that host name (see TWOWAY_ALLOWED_HOSTS).")


def _check_declared_length():
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if limit is not None and length is not None and length > limit:
        # Werkzeug's own exception, so the page answers with its page and the API with JSON.
        raise RequestEntityTooLarge(f"The request body is larger than this server's limit of {limit} bytes.")


def _no_store(response):
    if request.method == "POST" or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def register_http_guards(app: Flask) -> None:
    # First in line: nothing else (token check, routes) runs for a foreign host or an oversized body.
    app.before_request_funcs.setdefault(None, [])[:0] = [_check_host, _check_declared_length]
    app.after_request(_no_store)
