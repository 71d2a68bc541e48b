"""The paste-in lint page at GET / (issue 5).

Progressive enhancement: the page is a plain form that POSTs back to `/` and is answered
with the same lint result the API gives (the checker's report), rendered on the server.
With JavaScript, static/page/*.js lints as you type through POST /api/v1/page/lint (the same
answer). Either way the page draws one view model of the answer (build_view: the marked-up
text, the findings by category, the numbers as shown), built here: the template draws it
without JavaScript, static/page/*.js with it (the numbers panel and the cards with the
extension's shared renderer, extension/lib/render.js, served at /ext/lib/). Nothing the user pastes is stored: the text
lives in the request only.
"""
from __future__ import annotations

import hmac
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory
from werkzeug.exceptions import RequestEntityTooLarge

from .api import parse_lint_request, serialize_report, validate_lint_payload
from .definitions import CATEGORIES, category_label
from .errors import ApiError, error_response
from .feedback import feedback_of
from .feedback_api import count_shown
from .findings import SEVERITIES, Finding
from .resources import EXTENSION_LIB_DIR
from .service import Report, checker_of
from .stats_panel import stats_panel
from .version import __version__

# The page's own script and styles are in twoway/static, which the app already serves at
# /static (Flask's default static folder of the `twoway` package). The script is small modules by
# concern, loaded in this order after the extension's definitions.js and render.js.
PAGE_SCRIPTS = ("page/store.js", "page/client.js", "page/results.js", "page/main.js")
bp = Blueprint("page", __name__, template_folder="templates")

# The extension's shared renderer and styles (<repo>/extension/lib, package data
# twoway.extension_lib: see resources.py). Only this one folder is served.
_EXT_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])

@bp.after_app_request
def _page_headers(response):
    """Security headers for everything the page blueprint serves (/, /static, /ext/lib)."""
    if request.blueprint == "page" or request.endpoint == "static":
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.endpoint in ("page.index", "page.lint_form", "page.lint_view"):
            # The answer quotes the pasted email: keep it out of every cache.
            response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index():
    return _render()


@bp.post("/")
def lint_form():
    """The no-JavaScript path: the form posts here and gets the rendered result."""
    if not _same_origin():
        return _render(error="This form only accepts posts from its own page.", status=403)
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _render(error="Send the form as a web form.", status=415)
    try:
        form = request.form
    except RequestEntityTooLarge:
        return _render(error=_too_long(), status=413)
    # Browsers send a textarea's line breaks as CRLF; the page's script (and so the API) sees LF.
    text = _lf(form.get("text", ""))
    subject = _lf(form.get("subject", ""))
    grammar = form.get("grammar") == "on"
    mode = "template" if form.get("mode") == "template" else "send"
    token = current_app.config.get("API_TOKEN")
    if token and not hmac.compare_digest(form.get("token", "").strip().encode(), str(token).encode()):
        msg = "Enter this server's API token to check a draft." if not form.get("token") else \
            "That API token is not right."
        return _render(text=text, subject=subject, grammar=grammar, mode=mode, error=msg, status=401)
    try:
        validate_lint_payload({"text": text, "subject": subject, "grammar": grammar},
                              current_app.config["MAX_CHARS"])
    except ApiError as exc:
        return _render(text=text, subject=subject, grammar=grammar, mode=mode, error=exc.message, status=exc.status)

    notice = None
    apply = form.get("apply")
    if apply:
        applied = _apply_replacement(apply, text, subject, grammar, mode)
        if applied is None:
            notice = "That suggestion no longer matches the text; here is the check of the text as it is."
        else:
            text, subject, notice = applied
            # A wording applied without JavaScript: the rep fixed it (the script sends this itself).
            feedback_of(current_app).record_action(apply.rsplit(":", 1)[-1], "fixed", None,
                                                   checker_of(current_app).profile, None)
    report = checker_of(current_app).check(text, subject, grammar, mode=mode)
    count_shown(current_app, report)
    return _render(text=text, subject=subject, grammar=grammar, mode=mode, report=report, notice=notice)


@bp.post("/api/v1/page/lint")
def lint_view():
    """The script's lint: the API's answer (request and errors as POST /api/v1/lint; under
    /api/, so the API token applies) with the page's view model of it under "view"."""
    req = parse_lint_request()
    report = checker_of(current_app).check(req["text"], req["subject"], req["grammar"], req["profile"],
                                           mode=req["mode"], thread=req["thread"])
    count_shown(current_app, report)
    return dict(serialize_report(report), view=build_view(report))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    if request.endpoint == "page.lint_view":
        return error_response(413, "text_too_long", _too_long())
    return _render(error=_too_long(), status=413)


@bp.get("/ext/lib/<path:filename>")
def extension_lib(filename: str):
    """The extension's shared renderer (render.js) and styles (twoway.css); that folder only."""
    suffix = Path(filename).suffix.lower()
    if "/" in filename or "\\" in filename or suffix not in _EXT_TYPES:
        abort(404)
    return send_from_directory(EXTENSION_LIB_DIR, filename, mimetype=_EXT_TYPES[suffix], max_age=0)


# ---------------------------------------------------------------------------------------
# Rendering helpers


def _render(text: str = "", subject: str = "", grammar: bool = True, mode: str = "send", report: Report | None = None,
            error: str | None = None, notice: str | None = None, status: int = 200):
    # The cards show the API's answer; the view (marks, groups, numbers) is built from the report.
    result = serialize_report(report) if report is not None else None
    view = build_view(report) if report is not None else None
    html = render_template(
        "page.html",
        text=text,
        subject=subject,
        grammar=grammar,
        mode=mode,
        result=result,
        view=view,
        error=error,
        notice=notice,
        token_required=bool(current_app.config.get("API_TOKEN")),
        max_chars=current_app.config["MAX_CHARS"],
        ext_available=(EXTENSION_LIB_DIR / "render.js").is_file(),
        page_scripts=PAGE_SCRIPTS,
        version=__version__,
    )
    return html, status


def _lf(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _too_long() -> str:
    return f"The text is longer than this server's limit of {current_app.config['MAX_CHARS']} characters."


def _same_origin() -> bool:
    """A cross-site page must not be able to post this form (it stores nothing, but it spends
    the server's time and, with a token set, must not be replayable from elsewhere)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        # No browser signal at all (curl, an old browser): allow, as a plain form would.
        return origin is None
    parts = urlsplit(origin)
    return parts.netloc == request.host and parts.scheme in ("http", "https")


def apply_key(finding: Finding) -> str:
    """What names a finding in a replacement button's value: its field, span (code points) and
    rule, not its index, which a re-check with grammar could shift. The button adds the index
    of its replacement: "body:12:26:0:pressure.fake-deadline"."""
    return f"{finding.field}:{finding.start}:{finding.end}"


def _apply_replacement(value: str, text: str, subject: str, grammar: bool, mode: str = "send"):
    """Apply the replacement that `value` (apply_key, then the replacement's index and the
    rule) names to this same text."""
    try:
        field, start, end, j, rule = value.split(":", 4)
        start, end, j = int(start), int(end), int(j)
    except ValueError:
        return None
    report = checker_of(current_app).check(text, subject, grammar, mode=mode)
    finding = next((f for f in report.findings
                    if (f.field, f.start, f.end, f.rule) == (field, start, end, rule)), None)
    if finding is None or finding.start == finding.end or not (0 <= j < len(finding.replacements)):
        return None
    source = subject if field == "subject" else text
    replacement = finding.replacements[j]
    revised = source[:start] + replacement + source[end:]
    notice = f"Replaced “{source[start:end]}” with “{replacement}”."
    if field == "subject":
        return text, revised, notice
    return revised, subject, notice


def build_view(report: Report) -> dict:
    """The page's view model of a lint answer: a plain dict (JSON for static/page/results.js) that the
    template and the script both draw, so neither decides anything about what is shown.

    Findings are named by their index in report.findings, which is their index in the API's
    answer["issues"] (serialize_report keeps the order):
    - "body", "subject": the text cut at every finding boundary; each piece lists the findings
      that cover it, the one its mark shows first (most severe, then earliest);
    - "groups": the span findings by category (definitions.CATEGORIES order, then any other),
      each with its label, in text order;
    - "notes": the email-level findings (start == end), listed with the numbers;
    - "panel": the numbers as shown (stats_panel.py, the same as the answer's "panel"), each row
      with its target and state (low / ok / high) from the answer's stats.targets;
    - "count": how many findings there are;
    - "apply": each finding's apply_key, for the no-JavaScript replacement buttons.
    """
    findings = report.findings
    spans = [i for i, f in enumerate(findings) if f.start != f.end]
    groups = []
    for category in _category_order(findings):
        members = [i for i in spans if findings[i].category == category]
        if members:
            groups.append({"category": category, "label": category_label(category), "findings": members})
    stats = report.stats
    return {
        "subject": mark_segments(report.subject, findings, [i for i in spans if findings[i].field == "subject"]),
        "body": mark_segments(report.text, findings, [i for i in spans if findings[i].field == "body"]),
        "groups": groups,
        "notes": [i for i, f in enumerate(findings) if f.start == f.end],
        "panel": stats_panel(stats),
        "count": len(findings),
        "apply": [apply_key(f) for f in findings],
    }


def _category_order(findings: list[Finding]) -> list[str]:
    seen = list(CATEGORIES)
    for f in findings:
        if f.category not in seen:
            seen.append(f.category)
    return seen


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}  # most severe first


def mark_segments(source: str, findings: list[Finding], indices: list[int]) -> list[dict]:
    """Split `source` at every boundary of the findings `indices` (code points). Each piece is
    {"text", "findings"}: the indices of the findings covering it, the one to show first (most
    severe, then earliest) first; none for unmarked text."""
    if not source:
        return []
    ranges = []
    for i in indices:
        f = findings[i]
        start = max(0, min(len(source), f.start))
        end = max(start, min(len(source), f.end))
        if end > start:
            ranges.append((start, end, i))
    cuts = sorted({0, len(source), *(r[0] for r in ranges), *(r[1] for r in ranges)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = sorted((r for r in ranges if r[0] <= a and b <= r[1]),
                          key=lambda r: (_SEVERITY_RANK.get(findings[r[2]].severity, 9), r[0], r[2]))
        out.append({"text": source[a:b], "findings": [r[2] for r in covering]})
    return out
