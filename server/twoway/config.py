"""Configuration: defaults, then TWOWAY_-prefixed environment variables, then a mapping."""
from __future__ import annotations

import json
import os
from typing import Any, Mapping

from .resources import BUNDLED_RULES_DIR

DEFAULTS: dict[str, Any] = {
    # Rule packs: the bundled pack, plus a team's own directory that extends or overrides it.
    "BUNDLED_RULES_DIR": str(BUNDLED_RULES_DIR),
    "RULES_DIR": None,
    # Largest accepted text (body + subject), in characters; above it the API answers 413.
    "MAX_CHARS": 50_000,
    # Origins allowed to call the API from a browser (CORS). None by default: the extension calls
    # from its background worker with host permissions, which needs no CORS.
    "CORS_ORIGINS": [],
    # Host header names this server answers to (a port is ignored); others get 421, so a
    # DNS-rebinding page cannot reach a server on loopback. "*" allows any name.
    "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "::1"],
    # When set, every /api/ request needs `Authorization: Bearer <token>`.
    "API_TOKEN": None,
    # `auto` (start a local LanguageTool when Java and the jars are present), `off`, or a URL.
    "LANGUAGETOOL": "auto",
    # How long a lint waits for LanguageTool before answering without grammar, in seconds.
    "LANGUAGETOOL_TIMEOUT": 1.5,
    "LANGUAGETOOL_CACHE_SIZE": 4096,
    # Characters of not-yet-checked sentences one lint sends to LanguageTool: a long text gets its
    # grammar in slices over successive lints ("grammar": "partial" until then).
    "LANGUAGETOOL_MAX_CHARS": 6000,
    # `twoway serve`: worker processes (0: one per core), seconds a worker may stay silent on one
    # request before it is replaced, and seconds a stop or reload waits for requests to finish.
    "WORKERS": 0,
    "REQUEST_TIMEOUT": 30,
    "GRACEFUL_TIMEOUT": 30,
    # Request threads per worker: a lint waiting for LanguageTool or reading a long text holds one
    # thread, not the worker (the CPU is shared between them).
    "THREADS": 4,
    # How long `twoway serve` waits for LanguageTool to answer before it starts taking requests.
    "LANGUAGETOOL_WARMUP": 90.0,
    # Seconds between health probes of LanguageTool (the only evidence that flips grammar off).
    "LANGUAGETOOL_PROBE_INTERVAL": 1.0,
    # Strictness profile of this team: quiet | balanced | thorough (profiles.py); a rep may pick another.
    "STRICTNESS": "balanced",
    # Feedback counts (feedback/): `off` stores nothing. DATABASE_URL (or TWOWAY_DATABASE_URL):
    # sqlite:///<instance>/twoway.db by default, postgresql://user:pass@host/db for several servers.
    "FEEDBACK": "on",
    "DATABASE_URL": None,
    # Seconds between moves of the pending counts into the database (also at exit and before stats).
    "FEEDBACK_FLUSH_INTERVAL": 1.0,
    # Keys the pending table holds while the database is away (then new keys are dropped, and counted).
    "FEEDBACK_PENDING_SLOTS": 16384,
    # `on`: store a keyed hash of the rep's extension install with each action (off by default).
    "FEEDBACK_INSTALLS": False,
    # The team dashboard (/team, /api/v1/team/stats): `Authorization: Bearer <ADMIN_TOKEN>`.
    "ADMIN_TOKEN": None,
    # Signs the dashboard's session cookie; derived from ADMIN_TOKEN when unset.
    "SECRET_KEY": None,
}

# Names an operator may also give without the TWOWAY_ prefix (the usual names for these).
UNPREFIXED = ("DATABASE_URL", "ADMIN_TOKEN")

ENV_PREFIX = "TWOWAY_"


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, list):
        raw = raw.strip()
        if raw.startswith("["):
            return list(json.loads(raw))
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Defaults < TWOWAY_* environment < the mapping given to create_app."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for name in UNPREFIXED:
        if environ.get(name):
            config[name] = environ[name]
    for key, raw in environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX):]
            try:
                config[name] = _coerce(raw, DEFAULTS.get(name, ""))
            except (ValueError, json.JSONDecodeError) as exc:
                raise ValueError(f"environment variable {key}: cannot read {raw!r} ({exc})") from None
    if overrides:
        config.update(overrides)
    return config
