"""The project installs like a package: a wheel built from the sources, installed with its audit
extra into a fresh venv, holds every module and data file of the checkout, lints a file, serves the
API, the page and the extension's renderer, and audits a mailbox, from a working directory outside
the repository (the bundled pack and the LanguageTool launcher are package data found through
importlib.resources, twoway/resources.py).

The fresh venv takes the third-party dependencies from the environment running the tests (a
.pth line to its site-packages, like --system-site-packages for a venv's venv), so nothing is
downloaded but the build backend pip's build isolation asks for; that site-packages' own .pth
files are not run, so the editable twoway of the checkout stays out of the new venv.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from owned import kill_group, start

REPO = Path(__file__).resolve().parents[1]
# What a wheel is built from; the rest of a checkout (venv, caches, tests) stays behind.
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "node_modules", ".cache", "build", "dist", "tests",
                                     "test-artifacts", "__pycache__", "*.egg-info", ".pytest_cache",
                                     ".hypothesis")
ONE_WAY = "Hi Sam,\n\nJust checking in. My VP wants this closed, so sign by Friday.\n"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A venv with only the built wheel of twoway in it; its bin folder and a clean environment."""
    root = tmp_path_factory.mktemp("wheel")
    sources = root / "sources"
    shutil.copytree(REPO, sources, ignore=NOT_SOURCES)
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", root / "dist", sources)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("twoway-*.whl")

    venv = root / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # The dependencies: every site-packages folder this interpreter imports from.
    (site / "twoway-test-deps.pth").write_text("".join(p + "\n" for p in sys.path if p.endswith("site-packages")))
    # With the audit extra, resolved against those dependencies only (--no-index: nothing downloaded).
    added = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-index", "--quiet",
                f"twoway[audit] @ {wheel.as_uri()}")
    assert added.returncode == 0, added.stderr

    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWOWAY_", "PYTHON"))}
    return {"bin": venv / "bin", "site": site, "cwd": elsewhere, "env": env, "wheel": wheel}


# Where each folder of the checkout lands in the package (pyproject.toml's package-dir).
SHIPPED = {"server/twoway": "twoway", "lint_rules": "twoway/lint_rules", "languagetool": "twoway/languagetool",
           "extension/lib": "twoway/extension_lib"}


def test_the_wheel_holds_every_module_and_data_file(installed):
    """Every subpackage (found, not listed) and every data file: a file missing from the wheel is a
    feature that works from a checkout and fails once installed (twoway.audit once did)."""
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        shipped = {name for name in wheel.namelist() if not name.startswith("twoway-")}
    expected = {f"{target}/{path.relative_to(REPO / folder).as_posix()}"
                for folder, target in SHIPPED.items()
                for path in (REPO / folder).rglob("*")
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}
    assert expected - shipped == set(), "in the checkout but not in the wheel"
    assert {"twoway/audit/__init__.py", "twoway/rules/__init__.py", "twoway/lint_rules/pressure.yaml"} <= shipped


def test_the_wheel_carries_the_pack_and_the_launcher(installed):
    probe = ("import json, twoway, twoway.config as c, twoway.languagetool_server as l, twoway.resources as r\n"
             "print(json.dumps([twoway.__file__, c.BUNDLED_RULES_DIR.as_posix(), str(l.LAUNCHER),"
             " str(r.EXTENSION_LIB_DIR)]))")
    answer = run(installed["bin"] / "python", "-c", probe, cwd=installed["cwd"], env=installed["env"])
    assert answer.returncode == 0, answer.stderr
    module, rules, launcher, ext_lib = map(Path, json.loads(answer.stdout))
    package = installed["site"] / "twoway"
    assert module == package / "__init__.py"  # the installed copy, not the checkout
    assert rules == package / "lint_rules" and (rules / "training").is_dir()
    assert {p.name for p in rules.glob("*.yaml")} == {p.name for p in (REPO / "lint_rules").glob("*.yaml")}
    assert launcher == package / "languagetool" / "lt-server.sh"
    assert (launcher.parent / "server.properties").is_file() and (launcher.parent / "pom.xml").is_file()
    assert (launcher.parent / "custom" / "org" / "languagetool" / "rules" / "en" / "grammar_custom.xml").is_file()
    assert (ext_lib / "render.js").is_file() and (ext_lib / "twoway.css").is_file()
    # The installed launcher runs from there: without jars it says so and exits 3 (lt-server.sh).
    no_jars = installed["cwd"] / "no-jars"
    no_jars.mkdir(exist_ok=True)
    started = run("sh", launcher, "--port", "1", "--jars", no_jars, cwd=installed["cwd"], env=installed["env"])
    assert started.returncode == 3 and "no LanguageTool jars" in started.stderr


def test_twoway_lint_from_the_wheel(installed):
    draft = installed["cwd"] / "draft.txt"
    draft.write_text(ONE_WAY)
    result = run(installed["bin"] / "twoway", "lint", "--format", "json", "draft.txt",
                 cwd=installed["cwd"], env=installed["env"])
    assert result.returncode == 1, result.stderr  # quota talk is an error-severity finding
    rules = [issue["rule"] for issue in json.loads(result.stdout)["issues"]]
    assert "pressure.fake-deadline" in rules and "self_focus.quota-talk" in rules


def test_twoway_serve_from_the_wheel(installed):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = dict(installed["env"], TWOWAY_LANGUAGETOOL="off")
    server = start([str(installed["bin"] / "twoway"), "serve", "--port", str(port)], cwd=installed["cwd"],
                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = json.load(NO_PROXY.open(f"{base}/healthz", timeout=2))
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "twoway serve did not start"
                time.sleep(0.2)
        assert health["status"] == "ok" and health["rules"] > 20 and health["grammar"] == "off"
        request = urllib.request.Request(f"{base}/api/v1/lint", method="POST",
                                         data=json.dumps({"text": ONE_WAY}).encode(),
                                         headers={"Content-Type": "application/json"})
        answer = json.load(NO_PROXY.open(request, timeout=10))
        assert "pressure.fake-deadline" in [issue["rule"] for issue in answer["issues"]]
        page = NO_PROXY.open(f"{base}/", timeout=10).read().decode()
        assert "/ext/lib/render.js" in page  # the page found the packaged renderer
        renderer = NO_PROXY.open(f"{base}/ext/lib/render.js", timeout=10).read().decode()
        assert "TwoWayRender" in renderer
    finally:
        server.terminate()
        try:
            server.communicate(timeout=20)
        finally:
            kill_group(server.pid)  # the workers too, whatever the master did


def test_twoway_audit_from_the_wheel(installed):
    """`pip install 'twoway[audit]'` then `twoway audit` on a small mailbox: report and table."""
    import csv
    import email.message
    import mailbox

    box = mailbox.mbox(installed["cwd"] / "mail.mbox")
    for minute, (subject, body) in enumerate([
            ("Pricing", ONE_WAY),
            ("Notes", "Hi Sam,\n\nThanks for the call. Here are the notes you asked for; what would help your team "
                      "most next?\n\nKyle\n"),
            ("Last try", "Hi Sam,\n\nShould I close your file? This is my last attempt.\n\nKyle\n")]):
        message = email.message.EmailMessage()
        message["From"], message["To"], message["Subject"] = "kyle@seller.example", "sam@buyer.example", subject
        message["Date"] = f"Tue, 3 Mar 2026 10:0{minute}:00 +0000"
        message.set_content(body)
        box.add(message)
    box.flush()
    result = run(installed["bin"] / "twoway", "audit", "mail.mbox", "--out", "report", "--workers", "1",
                 "--no-progress", cwd=installed["cwd"], env=installed["env"])
    assert result.returncode == 0, result.stderr
    assert "3 emails read, 3 audited" in result.stdout
    report = installed["cwd"] / "report"
    assert "<html" in (report / "report.html").read_text(encoding="utf-8").lower()
    with (report / "results.csv").open(newline="", encoding="utf-8") as table:
        rows = {row["ref"]: row for row in csv.DictReader(table)}
    assert rows["message 1"]["verdict"] == "one-way" and "pressure.fake-deadline" in rows["message 1"]["rules"]
    assert rows["message 2"]["verdict"] == "two-way" and rows["message 2"]["rules"] == ""
    assert "pressure.break-up" in rows["message 3"]["rules"]
