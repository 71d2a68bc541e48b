"""The extension's static checks, run from pytest so `make test` reports them:
web-ext lint (the manifest also valid for Firefox) and the node --test unit tests."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from ext_harness import EXT, ROOT

# Chrome needs background.service_worker and Firefox background.scripts; both are in the manifest,
# and web-ext warns that Firefox ignores the first. That is the one warning we accept.
ACCEPTED_WARNINGS = {"BACKGROUND_SERVICE_WORKER_IGNORED"}

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def _node_modules_ready():
    if not (ROOT / "node_modules" / ".bin" / "web-ext").exists():
        pytest.fail("node_modules missing: run `make setup` (npm ci) first")


@needs_node
def test_web_ext_lint_is_clean():
    _node_modules_ready()
    proc = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "web-ext"), "lint", "--source-dir", str(EXT), "--self-hosted",
         "--output", "json", "--no-config-discovery"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    problems = [f"{m['code']} {m.get('file')}: {m['message']}" for m in report["errors"] + report["notices"]]
    problems += [f"{m['code']} {m.get('file')}: {m['message']}" for m in report["warnings"]
                 if m["code"] not in ACCEPTED_WARNINGS]
    assert problems == []


@needs_node
def test_node_unit_tests_pass():
    _node_modules_ready()
    proc = subprocess.run(["node", "--test", str(ROOT / "tests" / "extension" / "unit")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout


def test_manifest_shape():
    m = json.loads((EXT / "manifest.json").read_text())
    assert m["manifest_version"] == 3
    assert m["browser_specific_settings"]["gecko"]["id"]
    # Narrow host permissions: the webmail hosts and the local server; anything else is optional.
    assert all(h.startswith(("https://mail.google.com", "https://outlook.", "http://127.0.0.1", "http://localhost",
                             "https://127.0.0.1", "https://localhost"))
               for h in m["host_permissions"])
    assert "<all_urls>" not in json.dumps(m)
    for script in m["content_scripts"]:
        for f in script["js"] + script.get("css", []):
            assert (EXT / f).exists(), f


def test_no_innerhtml_in_extension_code():
    for path in EXT.rglob("*.js"):
        if "test" in path.parts:
            continue
        src = path.read_text()
        assert not re.search(r"\.(inner|outer)HTML\s*\+?=|insertAdjacentHTML\s*\(|document\.write\s*\(", src), path


def test_every_message_has_one_definition_a_handler_and_a_sender():
    """lib/messages.js defines the messages; the background handles exactly those; each is sent by
    a content script or the options page (no handler nobody sends)."""
    defined = dict(re.findall(r'var (\w+) = "(\w+)";', (EXT / "lib" / "messages.js").read_text()))
    handled = set(re.findall(r"\[TwoWayMessages\.(\w+)\]", (EXT / "background.js").read_text()))
    assert handled == set(defined)
    senders = "\n".join(p.read_text() for p in [*(EXT / "content").glob("*.js"), *(EXT / "options").glob("*.js")])
    for name, value in defined.items():
        assert re.search(rf'TwoWayMessages\.{name}\b|type: "{value}"', senders), f"nobody sends {name}"
    # Nothing sends a message the background does not know.
    assert set(re.findall(r'sendMessage\(\{ type: "(\w+)"', senders)) <= set(defined.values())
