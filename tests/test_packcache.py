"""Apps of one process share the loaded pack while its files are the same, and only then."""
from __future__ import annotations

import pytest

from twoway import create_app
from twoway.config import BUNDLED_RULES_DIR
from twoway.pack import RulePackError
from twoway.packcache import folder_fingerprint, shared_pack
from twoway.resources import package_folder

from test_rule_pack import GOOD_RULE, write


def test_apps_share_the_bundled_pack_and_keep_their_own_linter():
    first = create_app({"LANGUAGETOOL": "off"})
    second = create_app({"LANGUAGETOOL": "off", "MAX_CHARS": 100})
    assert first.extensions["twoway"].pack is second.extensions["twoway"].pack
    assert first.extensions["twoway"].linter is not second.extensions["twoway"].linter


def test_an_edited_team_pack_is_loaded_again(tmp_path):
    write(tmp_path, "rules:" + GOOD_RULE)
    before = shared_pack(None, tmp_path)
    assert shared_pack(None, tmp_path) is before
    write(tmp_path, "rules:" + GOOD_RULE.replace("phrases: [asap]", "phrases: [right away]"))
    after = shared_pack(None, tmp_path)
    assert after is not before
    assert after.by_id("team.asap").regex.fallback.search("do it right away")
    assert not before.by_id("team.asap").regex.fallback.search("do it right away")


def test_a_broken_pack_still_fails_every_time(tmp_path):
    write(tmp_path, "rules:" + GOOD_RULE.replace("severity: warning", "severity: loud"))
    for _ in range(2):
        with pytest.raises(RulePackError, match="severity"):
            shared_pack(None, tmp_path)


def test_fingerprint_covers_training_files_in_subfolders(tmp_path):
    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "a.jsonl").write_text('{"text": "one", "labels": []}\n')
    before = folder_fingerprint(tmp_path)
    (tmp_path / "training" / "a.jsonl").write_text('{"text": "two", "labels": []}\n')
    assert folder_fingerprint(tmp_path) != before
    assert folder_fingerprint(None) is None


def test_package_data_is_found_through_importlib_resources():
    assert (package_folder("twoway.lint_rules") / "pressure.yaml").is_file()
    assert (package_folder("twoway.languagetool") / "lt-server.sh").is_file()
    assert (package_folder("twoway.extension_lib") / "render.js").is_file()
    assert BUNDLED_RULES_DIR == package_folder("twoway.lint_rules")
