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
    """lib/messages.js defines the messages; the background handles exactly those a part sends it,
    and each is sent by a content script, the options page or the popup (no handler nobody sends)."""
    defined = dict(re.findall(r'var (\w+) = "(\w+)";', (EXT / "lib" / "messages.js").read_text()))
    handled = set(re.findall(r"\[TwoWayMessages\.(\w+)\]", (EXT / "background.js").read_text()))
    assert handled == set(defined) - {"SETTINGS_CHANGED"}           # that one goes the other way
    assert "TwoWayMessages.SETTINGS_CHANGED" in (EXT / "background.js").read_text()
    senders = "\n".join(p.read_text() for p in [*(EXT / "content").rglob("*.js"), *(EXT / "options").glob("*.js"),
                                               *(EXT / "popup").glob("*.js")])
    for name in handled:
        assert re.search(rf"\bM(?:essages)?\.{name}\b|TwoWayMessages\.{name}\b", senders), f"nobody sends {name}"


def test_one_message_protocol_and_no_storage_in_content_scripts():
    """Every message goes through lib/messages.js (no raw runtime.sendMessage elsewhere); content
    scripts never read or write extension storage (the token lives there) nor load settings.js."""
    for path in EXT.rglob("*.js"):
        if path.name == "messages.js":
            continue
        assert "runtime.sendMessage" not in path.read_text(), path
    m = json.loads((EXT / "manifest.json").read_text())
    scripts = [f for s in m["content_scripts"] for f in s["js"]]
    assert "lib/settings.js" not in scripts and "lib/connection.js" not in scripts
    for f in scripts:
        assert not re.search(r"\bstorage\.(local|sync|session|onChanged)", (EXT / f).read_text()), f


def test_background_checks_every_sender():
    """Each message type names the senders it is answered for; testConnection only from the options page."""
    src = (EXT / "lib" / "messages.js").read_text()
    senders = dict(re.findall(r"SENDERS\[(\w+)\] = (\[[^\]]*\]);", src))
    assert senders["TEST_CONNECTION"] == '["options"]'
    assert senders["LINT"] == '["content"]' and senders["SETTINGS"] == '["content"]'
    assert set(senders) == set(dict(re.findall(r'var (\w+) = "(\w+)";', src))) - {"SETTINGS_CHANGED"}
    bg = (EXT / "background.js").read_text()
    assert "TwoWayMessages.allowed(type, senderKind(sender))" in bg
    assert bg.count('redirect: "error"') == 1 and 'redirect: "error"' in (EXT / "lib" / "connection.js").read_text()


def test_page_css_is_generated_from_twoway_css():
    """Only ::highlight and the mirror reach the page, with twoway.css's colours (mk/page_css.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("page_css", ROOT / "mk" / "page_css.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    page = (EXT / "content" / "page.css").read_text()
    assert page == mod.build(), "run: python mk/page_css.py"
    selectors = re.findall(r"^\s*([^\s{][^{]*?)\s*\{", re.sub(r"/\*.*?\*/", "", page, flags=re.S), flags=re.M)
    assert all(s.startswith(("::highlight(", ".tw-mirror", "@media")) for s in selectors), selectors
    assert "--tw-" not in page and ":root" not in page
    m = json.loads((EXT / "manifest.json").read_text())
    assert [c for s in m["content_scripts"] for c in s.get("css", [])] == ["content/page.css"]


def test_permissions_are_narrow():
    m = json.loads((EXT / "manifest.json").read_text())
    assert m["optional_host_permissions"] == ["https://*/*"]          # http only for loopback (required list)
    assert set(m["permissions"]) == {"storage", "scripting", "activeTab"}
    assert m["action"]["default_popup"] == "popup/popup.html"
