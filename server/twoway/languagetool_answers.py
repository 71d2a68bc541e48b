"""Reading LanguageTool's answers: its JSON for sentences joined into one request becomes
Findings per sentence, in code points (LanguageTool counts UTF-16 units); repeats are dropped,
and grammar findings are merged with the rules' findings.
"""
from __future__ import annotations

from typing import Any, Iterable

from .findings import Finding
from .languagetool_client import DISABLED_RULES, LanguageToolUnavailable
from .utf16 import Utf16Map, utf16_len

_SPELLING_CATEGORIES = {"TYPOS"}
_MAX_REPLACEMENTS = 5
SEPARATOR = "\n\n"  # sentences of one request are separate paragraphs for LanguageTool


def parse_answer(answer: Any, sentences: list[str]) -> dict[str, tuple[Finding, ...]]:
    """Matches per sentence, from LanguageTool's JSON for the sentences joined by SEPARATOR."""
    if not isinstance(answer, dict) or not isinstance(answer.get("matches"), list):
        raise LanguageToolUnavailable("LanguageTool answered something that is not a check result")
    starts, lengths = [], []  # UTF-16 start and length of each sentence in the joined text
    pos = 0
    for s in sentences:
        starts.append(pos)
        lengths.append(utf16_len(s))
        pos += lengths[-1] + len(SEPARATOR)
    maps: dict[int, Utf16Map] = {}
    out: dict[str, list[Finding]] = {s: [] for s in sentences}
    try:
        for raw in answer["matches"]:
            offset, length = int(raw["offset"]), int(raw["length"])
            rule = raw["rule"]
            rule_id = str(rule["id"])
            if rule_id in DISABLED_RULES or length <= 0:
                continue
            i = _index_of(starts, offset)
            if i < 0:
                continue
            sentence = sentences[i]
            local = offset - starts[i]
            if local + length > lengths[i]:
                continue  # crosses into the separator: not one sentence's error
            m = maps.setdefault(i, Utf16Map(sentence))
            start, end = m.from_utf16(local), m.from_utf16(local + length)
            if end <= start:
                continue
            match = _to_match(raw, rule, rule_id, sentence, start, end)
            if match is not None:
                out[sentence].append(match)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise LanguageToolUnavailable("LanguageTool answered a malformed match") from None
    return {s: tuple(v) for s, v in out.items()}


def _index_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    found = -1
    while lo <= hi:
        mid = (lo + hi) // 2
        if starts[mid] <= offset:
            found, lo = mid, mid + 1
        else:
            hi = mid - 1
    return found


def _to_match(raw: dict, rule: dict, rule_id: str, sentence: str, start: int, end: int) -> Finding | None:
    category_info = rule.get("category") or {}
    lt_category = str(category_info.get("id", ""))
    issue_type = str(rule.get("issueType", ""))
    spelling = lt_category in _SPELLING_CATEGORIES
    span = sentence[start:end]
    if spelling and _looks_like_a_name(span):
        return None  # people, companies and products: the speller does not know them
    if spelling or issue_type in ("grammar", "misspelling"):
        severity = "error"
    elif issue_type in ("style", "typographical", "whitespace", "register", "locale-violation"):
        severity = "suggestion"
    else:
        severity = "warning"
    replacements = tuple(
        str(r["value"]) for r in (raw.get("replacements") or [])[:_MAX_REPLACEMENTS]
        if isinstance(r, dict) and r.get("value") is not None
    )
    name = str(category_info.get("name") or ("Possible typo" if spelling else "Grammar"))
    why = ("A one-way email is worse when it is also sloppy: the reader notices the mistake "
           f"before the point. LanguageTool rule {rule_id} ({name}).")
    # Offsets within the sentence; check() moves them into the field.
    return Finding(
        rule=rule_id, category="spelling" if spelling else "grammar", severity=severity,
        message=str(raw.get("message", "")).strip() or "Possible mistake found.", why=why,
        start=start, end=end, replacements=replacements, advice=str(raw.get("shortMessage") or ""),
    )


def _looks_like_a_name(word: str) -> bool:
    """Capitalised words ('Zoë', 'Acme', 'HubSpot'), words with digits and addresses."""
    return any(ch.isupper() or ch.isdigit() for ch in word) or any(ch in word for ch in "@/.:_")


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Drop repeated LanguageTool findings: the same rule on the same span, or the same
    advice (span and replacements) from two rules."""
    seen_rule, seen_fix, out = set(), set(), []
    for f in findings:
        key_rule = (f.field, f.start, f.end, f.rule)
        key_fix = (f.field, f.start, f.end, f.replacements) if f.replacements else None
        if key_rule in seen_rule or (key_fix is not None and key_fix in seen_fix):
            continue
        seen_rule.add(key_rule)
        if key_fix is not None:
            seen_fix.add(key_fix)
        out.append(f)
    return out


def merge_findings(rule_findings: Iterable[Finding], grammar_findings: Iterable[Finding]) -> list[Finding]:
    """Rule findings plus grammar findings. Where both cover the same span the reader sees both
    (they say different things), except a grammar finding that repeats a rule finding: the
    same span with the same replacements, or the same message."""
    rules = list(rule_findings)
    same = {(f.field, f.start, f.end, f.replacements) for f in rules if f.replacements}
    same |= {(f.field, f.start, f.end, f.message) for f in rules}
    out = list(rules)
    for g in dedupe(grammar_findings):
        if (g.replacements and (g.field, g.start, g.end, g.replacements) in same) or \
                (g.field, g.start, g.end, g.message) in same:
            continue
        out.append(g)
    return out
