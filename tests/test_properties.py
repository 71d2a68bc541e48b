"""Property tests: any string gets a 200 or a clean 4xx, and every issue's text is its UTF-16 slice."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

PHRASES = st.sampled_from(["Just checking in. ", "Sign by Friday. ", "My VP wants this. ", "😀", "\n", "Zoë ",
                           "only two seats left ", "“quoted” ", "\ud83d", "\x00", "?"])
TEXT = st.lists(st.one_of(st.text(max_size=40), PHRASES), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, subject=st.one_of(st.none(), TEXT))
def test_any_text_gets_200_and_true_slices(client, text, subject):
    payload = {"text": text, "grammar": False}
    if subject is not None:
        payload["subject"] = subject
    r = client.post("/api/v1/lint", data=json.dumps(payload), content_type="application/json")
    assert r.status_code == 200
    fields = {"body": text, "subject": subject or ""}
    for issue in r.get_json()["issues"]:
        units = fields[issue["field"]].encode("utf-16-le", "surrogatepass")
        assert units[issue["start"] * 2:issue["end"] * 2].decode("utf-16-le", "surrogatepass") == issue["text"]
        assert 0 <= issue["start"] <= issue["end"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=60), st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=5), children, max_size=4)),
    max_leaves=10).map(json.dumps).map(str.encode)))
def test_any_body_gets_200_or_clean_4xx(client, body):
    r = client.post("/api/v1/lint", data=body, content_type="application/json")
    assert r.status_code in (200, 400, 413)
    if r.status_code != 200:
        assert set(r.get_json()["error"]) == {"code", "message"}
