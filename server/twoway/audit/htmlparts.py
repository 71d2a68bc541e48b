"""The report's building blocks: colours, a plotly figure as HTML, a table."""
from __future__ import annotations

import html

from ..definitions import category_colours

VERDICT_COLOURS = {"one-way": "#c0392b", "mixed": "#e0a100", "two-way": "#2e8b57"}
# The categories' colours are the extension's and the page's (twoway.css).
CATEGORY_COLOURS = category_colours()


def figure_html(fig, first: bool) -> str:
    fig.update_layout(template="plotly_white", margin=dict(l=10, r=10, t=40, b=10),
                      font=dict(family="system-ui, sans-serif", size=13))
    return fig.to_html(full_html=False, include_plotlyjs=first, include_mathjax=False,
                       config={"displaylogo": False, "responsive": True})


def html_table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def escape(value) -> str:
    return html.escape(str(value))
