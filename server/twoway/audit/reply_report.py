"""The report's section "Do one-way emails get fewer replies?" (issue 18).

It shows counts, rates and intervals, rule ids and the rules' own descriptions: no text of any
email, the team's or inbound (inbound mail was only ever read for its headers). Plain words say
what the figures mean and what they do not: the data is observational.
"""
from __future__ import annotations

from typing import Callable

from ..definitions import VERDICTS, category_label, verdict_of
from .htmlparts import CATEGORY_COLOURS, VERDICT_COLOURS, escape, html_table
from .outcomes import HOUR_BUCKETS, MIN_EMAILS, TOO_FEW, Analysis, GroupOutcome, hour_buckets
from .threads import ThreadCounts

TITLE = "Do one-way emails get fewer replies?"
FOREST_RULES = 20


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _points(value: float) -> str:
    return f"{100 * value:+.0f}".replace("-", "−")


def _interval(low: float | None, high: float | None) -> str:
    if low is None:
        return "—"
    return f"{_points(low)} to {_points(high)}"


# The group's own note (outcomes.GroupOutcome.note), with what the interval says for a reader.
_WHY = {"fewer replies": " (the interval is below zero)", "more replies": " (the interval is above zero)",
        "no clear difference": " (the interval holds zero)"}


def _reading(group: GroupOutcome) -> str:
    note = group.note
    return note + _WHY.get(note, "") if note else "—"


def _label(group: GroupOutcome) -> str:
    kind, _, name = group.group.partition(":")
    return category_label(name) if kind == "category" else name


def _headline(group: GroupOutcome, what: str) -> str:
    if not group.enough:
        return (f"<li><b>{escape(what)}</b>: {group.emails} emails with it, {group.baseline_emails} without: "
                f"{TOO_FEW}.</li>")
    words = {True: "In this mail, emails with it were answered less often.",
             False: "In this mail, emails with it were answered more often."}
    if group.ci_high < 0 or group.ci_low > 0:
        verdict = words[group.ci_high < 0]
    else:
        verdict = "The interval holds zero: this mail cannot tell whether it changes replies."
    adjusted = ""
    if group.adjusted is not None:
        adjusted = (f" With the sender, the length and first touch vs follow-up held fixed: "
                    f"{_points(group.adjusted)} points ({_interval(group.adjusted_low, group.adjusted_high)}).")
    return (f"<li><b>{escape(what)}</b>: answered {_pct(group.rate)} of the time ({group.replied} of "
            f"{group.emails}), against {_pct(group.baseline_rate)} without it ({group.baseline_replied} of "
            f"{group.baseline_emails}): {_points(group.difference)} points, 95% interval "
            f"{_interval(group.ci_low, group.ci_high)}. {verdict}{adjusted}</li>")


def _forest(analysis: Analysis, rendered: Callable) -> str:
    import plotly.graph_objects as go

    rows = [g for g in analysis.groups if g.group.startswith("category:")]
    rows += [g for g in analysis.groups if g.group.startswith("rule:")][:FOREST_RULES]
    if not rows:
        return ""
    labels = [("category: " if g.group.startswith("category:") else "") + _label(g) for g in rows]
    shown = [g.enough and g.difference is not None for g in rows]
    colour = [CATEGORY_COLOURS.get(g.group.split(":", 1)[1] if g.group.startswith("category:")
                                   else analysis.rule_category.get(g.group.split(":", 1)[1], ""), "#555")
              for g in rows]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        y=labels, x=[100 * g.difference if s else None for g, s in zip(rows, shown)], mode="markers",
        name="difference in reply rate", marker=dict(size=11, color=colour, symbol="square"),
        error_x=dict(type="data", symmetric=False, thickness=2, width=5,
                     array=[100 * (g.ci_high - g.difference) if s else None for g, s in zip(rows, shown)],
                     arrayminus=[100 * (g.difference - g.ci_low) if s else None for g, s in zip(rows, shown)]),
        customdata=[[g.emails, _pct(g.rate), _pct(g.baseline_rate), _interval(g.ci_low, g.ci_high)] for g in rows],
        hovertemplate="%{y}: %{x:+.0f} points (95%: %{customdata[3]})<br>%{customdata[0]} emails, "
                      "answered %{customdata[1]} vs %{customdata[2]} without<extra></extra>"))
    adjusted = [g.adjusted is not None and s for g, s in zip(rows, shown)]
    if any(adjusted):
        fig.add_trace(go.Scatter(
            y=labels, x=[100 * g.adjusted if a else None for g, a in zip(rows, adjusted)], mode="markers",
            name="held fixed: sender, length, stage", marker=dict(size=9, color="#1d2733", symbol="diamond-open"),
            error_x=dict(type="data", symmetric=False, thickness=1, width=3, color="#1d2733",
                         array=[100 * (g.adjusted_high - g.adjusted) if a else None for g, a in zip(rows, adjusted)],
                         arrayminus=[100 * (g.adjusted - g.adjusted_low) if a else None
                                     for g, a in zip(rows, adjusted)]),
            hovertemplate="%{y}, held fixed: %{x:+.0f} points<extra></extra>"))
    for label, s, g in zip(labels, shown, rows):
        if not s:
            fig.add_annotation(y=label, x=0, text=f"{TOO_FEW} ({g.emails})", showarrow=False,
                               font=dict(color="#7b8794", size=12), xanchor="center", bgcolor="white")
    fig.add_vline(x=0, line=dict(color="#7b8794", dash="dash"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title="Reply rate with the trait minus without it (percentage points, 95% intervals)",
                      xaxis_title="difference in reply rate, points (left of zero: fewer replies)",
                      height=max(300, 90 + 30 * len(rows)), legend=dict(orientation="h", y=-0.12))
    return rendered(fig)


def _bands(analysis: Analysis, rendered: Callable) -> str:
    import plotly.graph_objects as go

    bands = [b for b in analysis.bands if b.emails]
    if not bands:
        return ""
    enough = [b.emails >= MIN_EMAILS for b in bands]
    fig = go.Figure(go.Bar(
        x=[b.label for b in bands], y=[100 * b.rate if e else 0 for b, e in zip(bands, enough)],
        marker_color=[VERDICT_COLOURS[verdict_of(b.low + 5)] if e else "#d5dbe1" for b, e in zip(bands, enough)],
        error_y=dict(type="data", symmetric=False,
                     array=[100 * (b.ci_high - b.rate) if e else 0 for b, e in zip(bands, enough)],
                     arrayminus=[100 * (b.rate - b.ci_low) if e else 0 for b, e in zip(bands, enough)]),
        text=[f"{b.emails} emails" if e else f"{TOO_FEW} ({b.emails})" for b, e in zip(bands, enough)],
        textposition="outside", cliponaxis=False,
        hovertemplate="score %{x}: %{y:.0f}% answered<br>%{text}<extra></extra>"))
    fig.update_layout(title="Reply rate by alignment score (95% Wilson intervals)", xaxis_title="alignment score",
                      yaxis=dict(title="answered, %", rangemode="tozero"), height=340)
    return rendered(fig)


def _time_to_reply(analysis: Analysis, rendered: Callable) -> str:
    import plotly.graph_objects as go

    verdicts = [v for v, hours in analysis.hours.items() if hours]
    if not verdicts:
        return ""
    fig = go.Figure()
    rows = []
    for verdict in verdicts:
        hours = analysis.hours[verdict]
        counts = hour_buckets(hours)
        fig.add_trace(go.Bar(x=[label for _, label in HOUR_BUCKETS], y=[100 * c / len(hours) for c in counts],
                             name=f"{verdict} ({len(hours)} answered)", marker_color=VERDICT_COLOURS.get(verdict, "#555"),
                             hovertemplate="%{x}: %{y:.0f}% of the answered " + verdict + " emails<extra></extra>"))
        median = hours[len(hours) // 2] if len(hours) % 2 else (hours[len(hours) // 2 - 1] + hours[len(hours) // 2]) / 2
        rows.append([escape(verdict), len(hours),
                     f"{median:.1f} h" if len(hours) >= MIN_EMAILS else TOO_FEW,
                     f"{100 * sum(h < 24 for h in hours) / len(hours):.0f}%" if len(hours) >= MIN_EMAILS else "—"])
    fig.update_layout(title="Time to the first reply (share of the answered emails)", barmode="group",
                      yaxis_title="% of answered emails", height=320, legend=dict(orientation="h", y=-0.2))
    return rendered(fig) + html_table(["verdict", "answered emails", "median time to reply", "answered within a day"],
                                      rows)


def reply_section(analysis: Analysis, threads: ThreadCounts, rendered: Callable) -> str:
    parts = ['<section id="replies">', f"<h2>{escape(TITLE)}</h2>"]
    everyone = analysis.group("all")
    if everyone is None:
        parts.extend((
            "<p>This mail cannot say which emails were answered, so there is nothing to compare. Give the inbox "
            "as well as the sent mail (Google Takeout's <i>All mail</i>, or a Sent and an Inbox mbox), with "
            "<code>--team-domain</code> when the mail has no Gmail labels; a CRM or sequencer export needs a "
            "replied column (<code>--columns replied=NAME</code>).</p>", "</section>"))
        return "\n".join(parts)
    headers = ""
    if threads.inbound:
        headers = (f" {threads.inbound} inbound messages were read for their headers only (none of their text is "
                   f"kept or shown): {threads.replies} replies were linked to the team's emails by "
                   f"<code>In-Reply-To</code> / <code>References</code> (never by subject), and {threads.automatic} "
                   f"auto-replies and bounces were set aside.")
    unknown = f" {analysis.unknown} audited emails have no known outcome and are left out." if analysis.unknown else ""
    parts.append(f"<p>Of the team's {everyone.emails} emails whose outcome the mail shows, {everyone.replied} were "
                 f"answered ({_pct(everyone.rate)}).{headers}{unknown} Every send counts here, template repeats "
                 f"included: each went to someone.</p>")
    headline = [g for g in (analysis.group("category:pressure"), analysis.group("category:self_focus"),
                            analysis.group("verdict:one-way")) if g is not None]
    names = {"category:pressure": "Pressure (fake urgency, guilt, hard closes)",
             "category:self_focus": "Self-focus (my quota, our company)",
             "verdict:one-way": f"One-way emails (score under {dict(VERDICTS)['mixed']})"}
    if headline:
        parts.append("<ul class=\"headline\">" + "".join(_headline(g, names[g.group]) for g in headline) + "</ul>")
    parts.append(
        "<div class=\"caveat\"><b>What this does and does not show.</b> These are the team's own emails, not an "
        "experiment: nobody chose at random which emails carried pressure. A difference is what happened in this "
        "mail, not proof that the rule caused it. A rule that fires on break-up emails (“I'll assume the project "
        "is dead”) meets prospects who had already gone quiet; follow-ups are answered less than first touches "
        "whatever they say; some reps write to warmer lists. The adjusted figure holds the sender, the length and "
        "first touch vs follow-up fixed, which removes some of that, not all (not the prospect, the list or the "
        f"timing). An interval that holds zero means this mail cannot tell, not that the rule is harmless. Groups "
        f"with fewer than {MIN_EMAILS} emails with or without the trait say “{TOO_FEW}”.</div>")
    parts.append(_forest(analysis, rendered))
    groups = [g for g in analysis.groups if g.group != "all"]
    parts.append(html_table(
        ["group", "emails", "answered", "without it", "difference, points (95% interval)",
         "held fixed: sender, length, stage", "reading"],
        [[f"<code>{escape(g.group)}</code>", g.emails, _pct(g.rate), _pct(g.baseline_rate),
          (f"{_points(g.difference)} ({_interval(g.ci_low, g.ci_high)})" if g.enough and g.difference is not None
           else "—"),
          (f"{_points(g.adjusted)} ({_interval(g.adjusted_low, g.adjusted_high)})" if g.adjusted is not None
           else "—"),
          escape(_reading(g))] for g in groups]))
    parts.append(_bands(analysis, rendered))
    parts.append(_time_to_reply(analysis, rendered))
    parts.append("<p class=\"meta\">Every figure is in <code>outcomes.csv</code> (one row per group) and each "
                 "email's outcome in <code>results.csv</code> (<code>replied</code>, <code>reply_hours</code>, "
                 "<code>stage</code>).</p>")
    parts.append("</section>")
    return "\n".join(p for p in parts if p)
