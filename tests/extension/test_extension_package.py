"""`make package`: the Chrome zip and the Firefox xpi, both carrying pyproject.toml's version."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile

import pytest

from ext_harness import EXT, ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    if not (ROOT / "node_modules" / ".bin" / "web-ext").exists():
        pytest.fail("node_modules missing: run `make setup` (npm ci) first")
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, str(ROOT / "mk" / "package_extension.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_both_packages_are_built_with_the_project_version(packages):
    assert sorted(p.name for p in packages.iterdir()) == [f"two-way-chrome-{VERSION}.zip", f"two-way-firefox-{VERSION}.xpi"]
    source = json.loads((EXT / "manifest.json").read_text())
    for path in packages.iterdir():
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            manifest = json.loads(z.read("manifest.json"))
        assert manifest["version"] == VERSION, path.name
        assert {k: v for k, v in manifest.items() if k != "version"} == {k: v for k, v in source.items() if k != "version"}
        needed = {f for s in manifest["content_scripts"] for f in s["js"] + s["css"]}
        needed |= set(manifest["background"]["scripts"]) | {manifest["background"]["service_worker"],
                                                            manifest["options_ui"]["page"], *manifest["icons"].values()}
        assert needed <= names, (path.name, needed - names)
        assert not any(n.startswith(("node_modules/", "tests/")) or "/." in n for n in names), path.name
        assert not any(n.endswith(".py") or "__pycache__" in n for n in names), path.name  # lib/__init__.py is the server's


def test_the_unpacked_manifest_agrees_with_the_project_version():
    # An unpacked load (extension/) shows the same version as the packages.
    assert json.loads((EXT / "manifest.json").read_text())["version"] == VERSION
