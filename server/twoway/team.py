"""The team's own precision, for the enablement lead (issue 20).

- GET /api/v1/team/stats: per rule shown / fixed / kept / muted (and the reasons for keeping),
  the kept rate (the team's own false-alarm rate) beside the rule's precision measured on the real
  sets, the fixed rate, a review mark for rules the team keeps often, and the totals by week;
- GET /api/v1/team/stats.csv: the per-rule table for a spreadsheet;
- GET /team: the dashboard, with charts drawn by plotly (the audit's plotting library).

All need the team's ADMIN_TOKEN: `Authorization: Bearer <token>` (401 without), or, in a browser,
the token typed once into /team, which sets a session cookie (signed, HttpOnly, SameSite=Strict).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
from urllib.parse import urlsplit

from flask import (Blueprint, Response, current_app, jsonify, redirect, render_template, request,
                   send_file, session, url_for)

from .version import __version__
from .errors import ApiError
from .feedback import ACTIONS, COUNTED, REASONS, SHOWN, feedback_of
from .profiles import PROFILES
from .service import checker_of

bp = Blueprint("team", __name__, template_folder="templates")

# A rule is marked for review when the team keeps it this often, once shown this many times.
REVIEW_KEPT_RATE = 0.30
REVIEW_MIN_SHOWN = 10
SESSION_HOURS = 8

CSP = "; ".join([
    "default-src 'none'", "script-src 'self'",
    # plotly.js writes its own <style> elements and inline styles on the SVG it draws.
    "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
    "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
])


def init_app(app) -> None:
    if not app.secret_key:
        secret = app.config.get("SECRET_KEY")
        token = app.config.get("ADMIN_TOKEN")
        if secret:
            app.secret_key = secret
        elif token:
            # Derived from the token: every worker and server of the team agrees, and a new token
            # ends the sessions of the old one.
            app.secret_key = hashlib.sha256(b"twoway-team-session\0" + str(token).encode()).hexdigest()
    app.config["SESSION_COOKIE_NAME"] = "twoway_team"
    app.config["SESSION_COOKIE_SAMESITE"] = "Strict"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    # Behind nginx with TLS (docs/deploy.md) the cookie travels over HTTPS only.
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=SESSION_HOURS)


@bp.after_request
def _headers(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
    return response


def _token_ok(given: str) -> bool:
    token = current_app.config.get("ADMIN_TOKEN")
    return bool(token) and hmac.compare_digest(given.strip().encode("utf-8", "surrogateescape"),
                                               str(token).encode("utf-8"))


def _authorised() -> bool:
    scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and _token_ok(given):
        return True
    return bool(current_app.config.get("ADMIN_TOKEN")) and session.get("team") is True


def _require_admin() -> None:
    if not current_app.config.get("ADMIN_TOKEN"):
        raise ApiError(401, "unauthorized", "The team dashboard is off: set TWOWAY_ADMIN_TOKEN on the server.")
    if not _authorised():
        raise ApiError(401, "unauthorized", "The team figures need the admin token: 'Authorization: Bearer <token>'.")


# -- the figures ----------------------------------------------------------------------------

def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def week_of(day: str) -> str:
    date = dt.date.fromisoformat(day)
    return (date - dt.timedelta(days=date.weekday())).isoformat()  # the Monday


def team_stats(counts: dict, rules, measured: dict, since: dt.date | None = None) -> dict:
    """The dashboard's figures from the counts by key (feedback/store.py's key order)."""
    category = {r.id: r.category for r in rules}
    per_rule: dict[str, dict] = {}
    weeks: dict[str, dict] = {}
    installs = set()
    for (day, rule, action, reason, _pack, profile, install), n in counts.items():
        if since and dt.date.fromisoformat(day) < since:
            continue
        row = per_rule.setdefault(rule, {"rule": rule, **{a: 0 for a in COUNTED},
                                         "kept_reasons": {code: 0 for code in REASONS}})
        row[action] = row.get(action, 0) + n
        if action == "kept" and reason in REASONS:
            row["kept_reasons"][reason] += n
        week = weeks.setdefault(week_of(day), {"week": week_of(day), **{a: 0 for a in COUNTED}})
        week[action] = week.get(action, 0) + n
        if install:
            installs.add(install)
    out = []
    for rule, row in per_rule.items():
        tally = measured.get(rule)
        kept_rate = _rate(row["kept"], row[SHOWN])
        row.update({
            "category": category.get(rule, "grammar" if rule.isupper() else "other"),
            "kept_rate": kept_rate,
            "fixed_rate": _rate(row["fixed"], row[SHOWN]),
            "muted_rate": _rate(row["muted"], row[SHOWN]),
            "measured_precision": tally["precision"] if tally else None,
            "measured_units": tally["units"] if tally else 0,
            "review": bool(kept_rate is not None and kept_rate >= REVIEW_KEPT_RATE and row[SHOWN] >= REVIEW_MIN_SHOWN),
        })
        out.append(row)
    out.sort(key=lambda r: (-r[SHOWN], r["rule"]))
    week_rows = []
    for key in sorted(weeks):
        w = weeks[key]
        w["kept_rate"] = _rate(w["kept"], w[SHOWN])
        w["fixed_rate"] = _rate(w["fixed"], w[SHOWN])
        week_rows.append(w)
    totals = {a: sum(r[a] for r in out) for a in COUNTED}
    return {"rules": out, "weeks": week_rows, "totals": totals,
            "review_rule": {"kept_rate_at_least": REVIEW_KEPT_RATE, "shown_at_least": REVIEW_MIN_SHOWN},
            "installs": len(installs)}


def current_stats() -> dict:
    service = feedback_of(current_app)
    checker = checker_of(current_app)
    days = request.args.get("days", "")
    since = None
    if days:
        if not days.isdigit() or not 1 <= int(days) <= 3660:
            raise ApiError(400, "invalid_request", "Parameter 'days' must be a whole number of days, 1 to 3660.")
        since = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=int(days) - 1)
    if not service.enabled:
        counts, state = {}, "off"
    else:
        try:
            counts, state = service.counts(fresh=True)
        except TimeoutError:
            raise ApiError(503, "busy", "The feedback counts are busy; try again in a moment.") from None
    stats = team_stats(counts, checker.pack.rules, checker.measured, since)
    stats.update({"feedback": service.health() if service.enabled else {"state": "off"},
                  "database": state, "profile": checker.profile, "pack_version": checker.pack_version,
                  "version": __version__})
    return stats


CSV_COLUMNS = ["rule", "category", SHOWN, *ACTIONS, *(f"kept_{code}" for code in REASONS),
               "kept_rate", "fixed_rate", "measured_precision", "measured_units", "review"]


def stats_csv(stats: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in stats["rules"]:
        flat = dict(row, **{f"kept_{code}": n for code, n in row["kept_reasons"].items()})
        writer.writerow(["" if flat.get(c) is None else flat.get(c) for c in CSV_COLUMNS])
    return buffer.getvalue()


@bp.get("/api/v1/team/stats")
def stats_json():
    _require_admin()
    return jsonify(current_stats())


@bp.get("/api/v1/team/stats.csv")
def stats_csv_download():
    _require_admin()
    day = dt.datetime.now(dt.timezone.utc).date().isoformat()
    return Response(stats_csv(current_stats()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="twoway-team-{day}.csv"'})


# -- the page -------------------------------------------------------------------------------

def _same_origin() -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.netloc == request.host and parts.scheme in ("http", "https")


@bp.get("/team")
def dashboard():
    if not current_app.config.get("ADMIN_TOKEN"):
        return render_template("team.html", login=True, off=True, version=__version__), 401
    if not _authorised():
        return render_template("team.html", login=True, version=__version__), 401
    stats = current_stats()
    return render_template("team.html", login=False, stats=stats, charts=json.dumps(charts(stats)),
                           profiles=PROFILES, reasons=REASONS, version=__version__)


@bp.post("/team/login")
def login():
    if not _same_origin():
        return render_template("team.html", login=True, error="Sign in from this server's own page.",
                               version=__version__), 403
    if not _token_ok(request.form.get("token", "")):
        return render_template("team.html", login=True, error="That token is not this server's admin token.",
                               off=not current_app.config.get("ADMIN_TOKEN"), version=__version__), 401
    session.clear()
    session["team"] = True
    session.permanent = True
    return redirect(url_for("team.dashboard"), code=303)


@bp.post("/team/logout")
def logout():
    if _same_origin():
        session.clear()
    return redirect(url_for("team.dashboard"), code=303)


@bp.get("/team/plotly.min.js")
def plotly_js():
    """plotly.js from the installed plotly package (the audit's library): no CDN, no network."""
    from importlib.resources import files

    return send_file(io.BytesIO(files("plotly").joinpath("package_data/plotly.min.js").read_bytes()),
                     mimetype="text/javascript", max_age=3600)


def charts(stats: dict) -> list[dict]:
    """The dashboard's figures as plotly JSON (built with plotly's Python API, drawn by plotly.js)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    figures = []
    weeks = [w["week"] for w in stats["weeks"]]
    trend = go.Figure()
    for action, colour in (("shown", "#2c7fb8"), ("fixed", "#2e8b57"), ("kept", "#e0a100"), ("muted", "#7f8c8d")):
        trend.add_bar(name=action, x=weeks, y=[w[action] for w in stats["weeks"]], marker_color=colour)
    trend.update_layout(title="By week: underlines shown and what reps did", barmode="group",
                        xaxis_title="week starting", yaxis_title="count", height=340)
    figures.append({"id": "chart-weeks", "figure": trend})
    rates = go.Figure()
    rates.add_scatter(name="kept rate", x=weeks, y=[w["kept_rate"] for w in stats["weeks"]], mode="lines+markers",
                      line_color="#e0a100")
    rates.add_scatter(name="fixed rate", x=weeks, y=[w["fixed_rate"] for w in stats["weeks"]], mode="lines+markers",
                      line_color="#2e8b57")
    rates.update_layout(title="By week: kept rate and fixed rate", yaxis_tickformat=".0%", yaxis_range=[0, 1],
                        xaxis_title="week starting", height=300)
    figures.append({"id": "chart-rates", "figure": rates})
    shown = [r for r in stats["rules"] if r["shown"]][:20][::-1]
    if shown:
        compare = go.Figure()
        compare.add_bar(name="kept here (the team's false alarms)", orientation="h", y=[r["rule"] for r in shown],
                        x=[r["kept_rate"] for r in shown], marker_color=["#c0392b" if r["review"] else "#e0a100"
                                                                          for r in shown])
        compare.add_bar(name="wrong on the real sets (1 − measured precision)", orientation="h",
                        y=[r["rule"] for r in shown],
                        x=[None if r["measured_precision"] is None else round(1 - r["measured_precision"], 4)
                           for r in shown], marker_color="#7f8c8d")
        compare.update_layout(title="Per rule: kept rate beside the false-alarm rate measured on real email",
                              barmode="group", xaxis_tickformat=".0%", height=120 + 38 * len(shown),
                              legend=dict(orientation="h", y=-0.12))
        figures.append({"id": "chart-rules", "figure": compare})
    out = []
    for item in figures:
        fig = item["figure"]
        fig.update_layout(template="plotly_white", margin=dict(l=10, r=10, t=50, b=10),
                          font=dict(family="system-ui, sans-serif", size=13))
        out.append({"id": item["id"], "figure": json.loads(pio.to_json(fig))})
    return out
