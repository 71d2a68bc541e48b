"""Each source format is recognised by its content and read into raw items."""
from __future__ import annotations

import json

import pytest

from twoway.audit import sample
from twoway.audit.sources import SourceError, open_source

from .conftest import records


@pytest.fixture(scope="module")
def recs():
    return records(8)


def test_each_format_is_detected_by_content_not_by_name(tmp_path, recs):
    # Misleading names on purpose: only the content tells.
    made = {
        "mbox": sample.write_mbox(tmp_path / "a.csv", recs),
        "csv": sample.write_crm_csv(tmp_path / "b.mbox", recs),
        "jsonl": sample.write_jsonl(tmp_path / "c.txt", recs),
        "eml-folder": sample.write_eml_folder(tmp_path / "saved", recs),
    }
    (tmp_path / "one.msg").write_bytes(sample.message_bytes(recs[0]))
    made["eml"] = tmp_path / "one.msg"
    for kind, path in made.items():
        source = open_source(path)
        assert source.kind == kind, path
        items = list(source.items())
        assert len(items) == source.count() == (1 if kind == "eml" else len(recs))


def test_crm_csv_columns_found_by_their_export_names(tmp_path, recs):
    source = open_source(sample.write_crm_csv(tmp_path / "hubspot.csv", recs))
    assert source.columns == {"body": "Email Body", "subject": "Subject", "sender": "Activity Owner",
                              "date": "Activity Date"}
    first = next(source.items())
    assert first.ref == "row 2" and first.payload["body"] == recs[0]["body"]
    assert first.payload["sender"] == recs[0]["sender_name"]


def test_columns_option_maps_other_names_and_names_a_wrong_one(tmp_path, recs):
    path = sample.write_crm_csv(tmp_path / "sf.csv", recs, columns=("Notes", "Topic", "Rep Name", "When"))
    with pytest.raises(SourceError, match="no body column.*Notes"):
        open_source(path)
    source = open_source(path, {"body": "Notes", "sender": "Rep Name", "date": "When"})
    assert source.columns["body"] == "Notes" and source.columns["sender"] == "Rep Name"
    with pytest.raises(SourceError, match="no such column"):
        open_source(path, {"body": "Body Text"})


def test_mbox_messages_are_split_on_from_lines_and_unescaped(tmp_path):
    path = tmp_path / "box"
    path.write_bytes(b"From a@x Thu Jan  1 00:00:00 2026\nSubject: one\n\nHello\n>From the start\n\n"
                     b"From b@x Thu Jan  1 00:00:00 2026\nSubject: two\n\nBye\n")
    items = list(open_source(path).items())
    assert [i.ref for i in items] == ["message 1", "message 2"]
    assert b"\nFrom the start" in items[0].payload and b"Subject: two" in items[1].payload


def test_a_jsonl_line_that_is_not_an_object_is_an_item_marked_broken(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"body": "Hi.", "sender": "a@x.example"}) + "\n{not json\n", encoding="utf-8")
    items = list(open_source(path).items())
    assert items[1].ref == "line 2" and items[1].payload == {"_error": "not a JSON object"}


def test_an_unknown_file_is_a_clear_error(tmp_path):
    path = tmp_path / "photo.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(SourceError, match="not an mbox"):
        open_source(path)
    with pytest.raises(SourceError, match="cannot read"):
        open_source(tmp_path / "missing.mbox")
