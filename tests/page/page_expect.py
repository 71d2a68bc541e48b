"""What the lint page must show for an API answer, and readers of what it does show."""
from __future__ import annotations

from twoway.definitions import CATEGORIES

# A one-way email: each of these sentences flags with the bundled rules.
ONE_WAY_SUBJECT = "Quick question"
ONE_WAY_EMAIL = (
    "Hi Dana,\n\n"
    "Just checking in to see if you had a chance to look. This price expires Friday, so sign today.\n\n"
    "I need to hit my quota this month.\n\n"
    "Best,\nKyle"
)

XSS_STRINGS = [
    "<img src=x onerror=alert(1)>",
    "</textarea><script>alert(2)</script>",
    "\"><svg onload=alert(3)>",
    "'><iframe src=javascript:alert(4)></iframe>",
]


def is_email_level(issue: dict) -> bool:
    return issue["start"] == issue["end"]


def expected_findings(answer: dict) -> list[tuple[str, str]]:
    """(rule, category) of the span findings in the page's order: grouped by category in
    definitions.CATEGORIES order (TwoWayRender.CATEGORIES), in the API's order inside a group."""
    spans = [x for x in answer["issues"] if not is_email_level(x)]
    order = list(CATEGORIES) + sorted({x["category"] for x in spans} - set(CATEGORIES))
    return [(x["rule"], x["category"]) for c in order for x in spans if x["category"] == c]


def expected_notes(answer: dict) -> list[str]:
    return [x["rule"] for x in answer["issues"] if is_email_level(x)]


def expected_panel(answer: dict) -> dict:
    """The numbers the panel must show: the answer's own "panel", as the server formatted it."""
    panel = {row["key"]: row["value"] for row in answer["panel"]["rows"]}
    panel["alignment_score"] = answer["panel"]["score"]
    panel["verdict"] = answer["panel"]["verdict"]
    return panel


def covered(text: str, issues: list[dict], field: str = "body") -> set[int]:
    """UTF-16 offsets of `text` under at least one span finding of `field`."""
    out: set[int] = set()
    for x in issues:
        if x["field"] == field and not is_email_level(x):
            out.update(range(x["start"], x["end"]))
    return out


# ---- readers (Playwright pages) --------------------------------------------------------

READ_MARKS_JS = """(sel) => {
  const box = document.querySelector(sel);
  if (!box) return null;
  let offset = 0; const marks = []; let text = "";
  for (const node of box.childNodes) {
    const t = node.textContent;
    if (node.nodeType === 1) {
      if (!node.matches("mark.tw-mark")) return {error: "unexpected element " + node.tagName};
      marks.push({start: offset, end: offset + t.length, rule: node.dataset.rule,
                  category: node.dataset.category});
    }
    text += t; offset += t.length;
  }
  return {text, marks};
}"""


def read_marks(page, selector: str = "#marked-body") -> dict:
    return page.evaluate(READ_MARKS_JS, selector)


def read_findings(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "#result-body li.finding",
        "els => els.map(e => [e.dataset.rule, e.dataset.category])")


def read_notes(page) -> list[str]:
    return page.eval_on_selector_all("#result-body .tw-stats-note", "els => els.map(e => e.dataset.rule)")


def read_panel(page) -> dict:
    panel = page.evaluate("""() => {
      const out = {};
      for (const row of document.querySelectorAll('#result-body .tw-stats-row')) {
        out[row.dataset.metric] = row.querySelector('.tw-stats-value').textContent.trim();
      }
      out.alignment_score = document.querySelector('#result-body .tw-stats-score').textContent.trim();
      out.verdict = document.querySelector('#result-body .tw-stats-verdict').textContent.trim();
      return out;
    }""")
    return panel


def assert_page_matches(page, answer: dict, text: str, subject: str = "") -> None:
    """The page shows exactly the API's answer for this text: findings, notes, marks, numbers."""
    assert [tuple(x) for x in read_findings(page)] == expected_findings(answer)
    assert read_notes(page) == expected_notes(answer)
    assert read_panel(page) == expected_panel(answer)
    body = read_marks(page, "#marked-body")
    assert body["text"] == text
    got = {i for m in body["marks"] for i in range(m["start"], m["end"])}
    assert got == covered(text, answer["issues"], "body")
    span_rules = {x["rule"] for x in answer["issues"] if not is_email_level(x)}
    assert {m["rule"] for m in body["marks"]} <= span_rules
    if subject:
        subj = read_marks(page, "#marked-subject")
        assert subj["text"] == subject
        got = {i for m in subj["marks"] for i in range(m["start"], m["end"])}
        assert got == covered(subject, answer["issues"], "subject")
