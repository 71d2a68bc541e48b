"""Build the installable extension: dist/two-way-chrome-VERSION.zip and dist/two-way-firefox-VERSION.xpi.

The version comes from one place, pyproject.toml's [project] version: it is written into the
packaged manifest.json (tests/extension/test_extension_package.py checks extension/manifest.json
agrees, so an unpacked load shows the same). The Firefox .xpi is built by web-ext (npm).
Usage: python mk/package_extension.py [--out DIR]   (`make package`)
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "extension"


def project_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def stage(into: Path, version: str) -> Path:
    """A copy of extension/ with the project's version in its manifest."""
    src = into / "extension"
    # lib/__init__.py only makes lib/ Python package data for the lint page (twoway.extension_lib).
    shutil.copytree(EXT, src, ignore=shutil.ignore_patterns(".*", "*.map", "*.py", "__pycache__"))
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = version
    (src / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return src


def chrome_zip(src: Path, dest: Path) -> None:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(src.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(src).as_posix())


def firefox_xpi(src: Path, dest: Path) -> None:
    web_ext = ROOT / "node_modules" / ".bin" / "web-ext"
    if not web_ext.exists():
        sys.exit("web-ext missing: run `make setup` (npm ci) first")
    subprocess.run([str(web_ext), "build", "--source-dir", str(src), "--artifacts-dir", str(dest.parent),
                    "--filename", dest.name, "--overwrite-dest", "--no-config-discovery"],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the zip and the xpi go (default dist/)")
    args = parser.parse_args(argv)
    version = project_version()
    args.out.mkdir(parents=True, exist_ok=True)
    chrome = args.out / f"two-way-chrome-{version}.zip"
    firefox = args.out / f"two-way-firefox-{version}.xpi"
    with tempfile.TemporaryDirectory(prefix="twoway-package-") as tmp:
        src = stage(Path(tmp), version)
        chrome_zip(src, chrome)
        firefox_xpi(src, firefox)
    print(chrome)
    print(firefox)
    return 0


if __name__ == "__main__":
    sys.exit(main())
