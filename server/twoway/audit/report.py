"""report.html: one self-contained file (plotly's JavaScript inlined once; no network, no CDN)
for the enablement lead. It quotes only masked flagged sentences, never an email body."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ..definitions import verdict_of
from .aggregation import Aggregate
from .htmlparts import CATEGORY_COLOURS, VERDICT_COLOURS
from .htmlparts import escape as _e
from .htmlparts import figure_html as _figure_html
from .htmlparts import html_table as _table
from .reply_report import reply_section
from .threads import ThreadCounts
TOP_SENDERS = 40
TOP_RULES = 15
TOP_TEMPLATES = 15


def build_report(agg: Aggregate, sources: list[str], seconds: float, analysis=None,
                 threads: ThreadCounts | None = None) -> str:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    parts: list[str] = []
    first = True

    def rendered(fig) -> str:  # plotly.js goes in with the first figure, whichever section draws it
        nonlocal first
        html, first = _figure_html(fig, first), False
        return html

    def figure(fig) -> None:
        parts.append(rendered(fig))

    # -- the team's score distribution
    bins = list(range(0, 101, 5))
    counts = [sum(agg.scores[s] for s in range(b, min(b + 5, 101) if b < 100 else 101)) for b in bins[:-1]]
    counts[-1] += agg.scores[100]
    fig = go.Figure(go.Bar(x=[f"{b}–{b + 4 if b < 95 else 100}" for b in bins[:-1]], y=counts,
                           marker_color=[VERDICT_COLOURS[verdict_of(b + 2)] for b in bins[:-1]],
                           hovertemplate="score %{x}: %{y} emails<extra></extra>"))
    fig.update_layout(title="Alignment score of the team's emails (0 one-way, 100 two-way)",
                      xaxis_title="alignment score", yaxis_title="emails", height=360)
    parts.append("<h2>Where the team stands</h2>")
    figure(fig)

    # -- per sender
    senders = sorted(agg.senders.values(), key=lambda s: s.score_sum / max(s.emails, 1))[:TOP_SENDERS]
    if senders:
        names = [s.name for s in senders]
        means = [round(s.score_sum / max(s.emails, 1), 1) for s in senders]
        per100 = [round(100 * s.one_way / max(s.emails, 1), 1) for s in senders]
        tops = [", ".join(r for r, _ in s.rules.most_common(3)) or "none" for s in senders]
        fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                            subplot_titles=("mean alignment score, lowest first", "one-way sentences per 100 emails"))
        fig.add_trace(go.Bar(y=names, x=means, orientation="h", customdata=tops,
                             marker_color=[VERDICT_COLOURS[verdict_of(m)] for m in means],
                             hovertemplate="%{y}: %{x}<br>top rules: %{customdata}<extra></extra>"), 1, 1)
        fig.add_trace(go.Bar(y=names, x=per100, orientation="h", customdata=tops, marker_color="#34495e",
                             hovertemplate="%{y}: %{x} per 100 emails<br>top rules: %{customdata}<extra></extra>"),
                      1, 2)
        fig.update_yaxes(autorange="reversed")  # lowest score on top, as in the table below
        fig.update_layout(showlegend=False,
                          height=max(260, 60 + 28 * len(senders)))
        parts.append("<h2>Senders</h2>")
        figure(fig)
        parts.append(_table(
            ["sender", "emails", "mean score", "one-way sentences / 100 emails", "top one-way rules", "repeats"],
            [[_e(s.name), s.emails, f"{m:.0f}", f"{p:.0f}",
              _e(", ".join(f"{r} ({n})" for r, n in s.rules.most_common(3)) or "none"), s.duplicates]
             for s, m, p in zip(senders, means, per100)]))

    # -- the rules that fire most
    rules = sorted(agg.rules.items(), key=lambda kv: -kv[1].emails)[:TOP_RULES]
    if rules:
        fig = go.Figure(go.Bar(y=[r for r, _ in rules][::-1], x=[s.emails for _, s in rules][::-1], orientation="h",
                               marker_color=[CATEGORY_COLOURS.get(s.category, "#555") for _, s in rules][::-1],
                               hovertemplate="%{y}: %{x} emails<extra></extra>"))
        fig.update_layout(title="Rules that fire most (emails flagged)", height=max(260, 60 + 26 * len(rules)))
        parts.append("<h2>What the rules catch</h2>")
        figure(fig)
        parts.append(_table(
            ["rule", "category", "emails", "what it catches", "examples (anonymised)"],
            [[f"<code>{_e(r)}</code>", _e(s.category), s.emails, _e(s.message),
              "<br>".join(f"“{_e(x)}”" for x in s.examples) or "—"] for r, s in rules]))

    # -- the trend
    unit, periods = agg.trend()
    if periods:
        labels = [p.isoformat() for p in periods]
        fig = make_subplots(specs=[[{"secondary_y": True}]])
        fig.add_trace(go.Bar(x=labels, y=[round(100 * p.one_way / max(p.emails, 1), 1) for p in periods.values()],
                             name="one-way sentences per 100 emails", marker_color="#d98880", opacity=0.7),
                      secondary_y=True)
        fig.add_trace(go.Scatter(x=labels, y=[round(p.score_sum / max(p.emails, 1), 1) for p in periods.values()],
                                 name="mean alignment score", mode="lines+markers", line=dict(color="#1f4e79", width=3)),
                      secondary_y=False)
        fig.update_yaxes(title_text="mean score", range=[0, 100], secondary_y=False)
        fig.update_yaxes(title_text="one-way per 100 emails", secondary_y=True, showgrid=False)
        fig.update_layout(title=f"Trend by {unit}", height=360, legend=dict(orientation="h", y=-0.2))
        parts.append(f"<h2>Are we getting better? (by {unit})</h2>")
        figure(fig)

    # -- templates: near-duplicate bodies sent more than once, worst first
    ranked = sorted(agg.templates.items(), key=lambda kv: (kv[1].score, -kv[1].sends))[:TOP_TEMPLATES]
    templates = [t for _, t in ranked]
    if templates:
        labels = [f"T{i + 1}" for i in range(len(templates))]
        fig = go.Figure(go.Bar(x=labels, y=[t.score for t in templates], customdata=[t.sends for t in templates],
                               text=[t.score for t in templates], textposition="outside",
                               marker_color=[VERDICT_COLOURS[verdict_of(t.score)] for t in templates],
                               hovertemplate="%{x}: score %{y}, sent %{customdata} times<extra></extra>"))
        fig.update_layout(title="Templates (near-duplicate bodies) by score: retire from the left",
                          yaxis=dict(range=[0, 100], title="alignment score"), height=320)
        parts.append("<h2>Templates</h2>")
        figure(fig)
        parts.append(_table(
            ["template", "subject (anonymised)", "score", "sent", "senders", "rules", "a flagged sentence",
             "key in results.csv"],
            [[label, _e(t.subject), t.score, t.sends, len(t.senders), _e(", ".join(t.rules[:4]) or "none"),
              f"“{_e(t.example)}”" if t.example else "—", f"<code>{key:016x}</code>"]
             for label, (key, t) in zip(labels, ranked)]))

    # -- replies: the team's own outcomes (audit/outcomes.py)
    if analysis is not None:
        parts.append(reply_section(analysis, threads or ThreadCounts(), rendered))

    if agg.malformed:
        parts.append(f"<h2>Messages that could not be audited ({agg.malformed})</h2>")
        parts.append(_table(["source", "where", "why"],
                            [[_e(s), _e(r), _e(w)] for s, r, w in agg.malformed_named]))
        if agg.malformed > len(agg.malformed_named):
            parts.append(f"<p>… and {agg.malformed - len(agg.malformed_named)} more (see results.csv).</p>")

    return _page(agg, sources, seconds, "\n".join(parts))


def _page(agg: Aggregate, sources: list[str], seconds: float, body: str) -> str:
    distinct = max(agg.audited, 1)
    one_way_emails = sum(n for s, n in agg.scores.items() if verdict_of(s) == "one-way")
    mean = sum(s * n for s, n in agg.scores.items()) / distinct
    banner = ('<p class="partial">PARTIAL REPORT: the run was stopped before the end; these figures '
              f"cover the first {agg.read} emails read.</p>") if agg.partial else ""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summary = _table(["emails read", "audited (distinct)", "template repeats", "could not be audited",
                      "senders", "mean score", "one-way emails"],
                     [[agg.read, agg.audited, agg.duplicates, agg.malformed, len(agg.senders), f"{mean:.0f}",
                       f"{100 * one_way_emails / distinct:.0f}%"]])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Two-Way team audit{' (partial)' if agg.partial else ''}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1.5rem; color: #1d2733; }}
h1 {{ margin-bottom: .2rem; }} h2 {{ margin-top: 2.2rem; border-bottom: 1px solid #dde3ea; padding-bottom: .3rem; }}
.meta {{ color: #5b6b7c; margin-top: 0; }}
.partial {{ background: #fdecea; border: 2px solid #c0392b; padding: .7rem 1rem; font-weight: 600; }}
table {{ border-collapse: collapse; width: 100%; margin: .8rem 0; font-size: .92rem; }}
th, td {{ text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e9ee; vertical-align: top; }}
th {{ background: #f4f6f8; }} code {{ font-size: .88em; }}
.caveat {{ background: #f4f6f8; border-left: 4px solid #5b6b7c; padding: .7rem 1rem; margin: 1rem 0; }}
.headline li {{ margin: .4rem 0; }}
</style></head><body>
<h1>Two-Way team audit</h1>
<p class="meta">{_e(now)} · {_e(", ".join(Path(s).name for s in sources))} · {seconds:.0f} s ·
a template sent many times by one sender counts once; examples are anonymised; no email body is shown.</p>
{banner}
{summary}
{body}
</body></html>
"""
