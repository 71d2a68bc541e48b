"""Grammar and spelling against the real LanguageTool server that the test run started."""
from __future__ import annotations

import re
from pathlib import Path

from twoway.languagetool_client import DISABLED_RULES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "grammar.md"


def lint(client, text, subject="", **extra):
    r = client.post("/api/v1/lint", json={"text": text, "subject": subject, **extra})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def lt_issues(answer):
    return [i for i in answer["issues"] if i["category"] in ("grammar", "spelling")]


def utf16_slice(text, start, end):
    """What JavaScript's text.slice(start, end) gives."""
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def test_he_go_gets_a_grammar_finding(client):
    text = "He go to the store yesterday."
    answer = lint(client, text)
    assert answer["grammar"] == "ok"
    [issue] = [i for i in lt_issues(answer) if i["text"] == "go"]
    assert issue["category"] == "grammar"
    assert issue["rule"] == "HE_VERB_AGR"
    assert {"goes", "went"} & set(issue["replacements"])
    assert issue["message"]
    assert text[issue["start"]:issue["end"]] == "go"


def test_their_going_gets_a_grammar_finding(client):
    text = "Their going to love it."
    answer = lint(client, text)
    [issue] = lt_issues(answer)
    assert issue["category"] == "grammar"
    assert issue["text"] == "Their" and (issue["start"], issue["end"]) == (0, 5)
    assert issue["replacements"][0] == "They're"


def test_greeting_and_sign_off_get_nothing(client):
    answer = lint(client, "Hi Zoë,\n\nThanks for the call.\n\nBest,\nJosé")
    assert answer["grammar"] == "ok"
    assert lt_issues(answer) == []


def test_names_and_companies_are_not_misspellings(client):
    text = ("Hey Siobhán, thanks for the intro to Zyloq. I saw that Salesloft and HubSpot are in "
            "your stack, and Núñez mentioned Gongify.")
    assert lt_issues(lint(client, text)) == []


def test_offsets_are_utf16_and_text_is_the_slice_after_emoji_and_accents(client):
    text = "Hi 👋🏽 Zoë — José 😀 said he go to teh store 🎉. Their going to love it."
    answer = lint(client, text)
    found = {i["text"]: i for i in lt_issues(answer)}
    assert {"go", "teh", "Their"} <= set(found), found
    for issue in lt_issues(answer):
        assert utf16_slice(text, issue["start"], issue["end"]) == issue["text"]
    assert found["teh"]["category"] == "spelling"
    assert "the" in found["teh"]["replacements"]
    # 👋, 🏽 and 😀 lie above U+FFFF and come before "teh": each takes two UTF-16 units.
    assert found["teh"]["start"] == text.index("teh") + 3
    assert found["Their"]["start"] == text.index("Their") + 4


def test_subject_findings_use_subject_offsets(client):
    subject = "Qick 🚀 qestion about your rollout"
    answer = lint(client, "Thanks for the call.", subject=subject)
    found = [i for i in lt_issues(answer) if i["field"] == "subject"]
    assert [i["text"] for i in found] == ["qestion"]
    assert utf16_slice(subject, found[0]["start"], found[0]["end"]) == "qestion"


def test_grammar_false_turns_it_off_for_one_request(client):
    answer = lint(client, "He go to the store yesterday.", grammar=False)
    assert answer["grammar"] == "off" and lt_issues(answer) == []


def test_rule_and_grammar_findings_on_one_text(client):
    text = "He go to the store yesterday. This is a limited-time discount for teams your size."
    answer = lint(client, text)
    categories = {i["category"] for i in answer["issues"]}
    assert "grammar" in categories and categories - {"grammar", "spelling"}
    keys = [(i["field"], i["start"], i["end"], i["rule"]) for i in answer["issues"]]
    assert len(keys) == len(set(keys))


def test_healthz_reports_grammar(client):
    assert client.get("/healthz").get_json()["grammar"] == "ok"


def test_relint_after_one_word_edit_checks_one_sentence(grammar_app):
    service = grammar_app.extensions["twoway"].grammar
    sent = []
    original = service._check_sentences

    def spy(client, sentences):
        sent.append(list(sentences))
        return original(client, sentences)

    service._check_sentences = spy
    try:
        client = grammar_app.test_client()
        draft = ("Thanks for the time on Tuesday, Priya. You said onboarding new reps takes your "
                 "team about six weeks. Would it help to see how a team your size cut that in half?")
        lint(client, draft)
        edited = draft.replace("six weeks", "seven weeks")
        sent.clear()
        answer = lint(client, edited)
        assert answer["grammar"] == "ok"
        assert sent == [["You said onboarding new reps takes your team about seven weeks."]]
        sent.clear()
        lint(client, edited)
        assert sent == []
    finally:
        del service._check_sentences


def test_every_disabled_rule_is_documented_with_its_reason():
    doc = DOCS.read_text(encoding="utf-8")
    for rule_id, reason in DISABLED_RULES.items():
        assert reason.strip()
        assert re.search(rf"`{rule_id}`", doc), f"{rule_id} is not in docs/grammar.md"


def test_disabled_rules_stay_silent_in_the_real_server(client):
    text = ('I said "hello" -- twice...  It\'s 3pm and 10GB x 2 -> fine (tm) :)\nJose\nBest,\nJosé')
    rules = {i["rule"] for i in lt_issues(lint(client, text))}
    assert not rules & set(DISABLED_RULES), rules


def test_category_counts_include_grammar(client):
    body = lint(client, "He go to the store yesterday.")
    grammar_issues = [i for i in body["issues"] if i["category"] == "grammar"]
    assert grammar_issues and body["stats"]["categories"]["grammar"] == len(grammar_issues)
