"""Where the data the server runs with is, found with importlib.resources.

The repository keeps that data beside the code (lint_rules/, languagetool/, extension/lib/);
pyproject.toml maps each folder to a subpackage of `twoway` (package-dir), so an editable
install finds it in the checkout and a wheel carries it inside the package, and both answer
the same importlib.resources lookup here. Nothing else should guess paths from __file__.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_folder(package: str) -> Path:
    """The folder of a data subpackage on disk (wheels are installed unzipped, so it is one)."""
    folder = files(package)
    if not isinstance(folder, Path) or not folder.is_dir():
        raise RuntimeError(f"{package}: package data is not a folder on disk ({folder!r})")
    return folder


# The bundled rule pack (<repo>/lint_rules).
BUNDLED_RULES_DIR = package_folder("twoway.lint_rules")
# The LanguageTool launcher, its server.properties, custom rules and the pom that resolves the jars.
LANGUAGETOOL_DIR = package_folder("twoway.languagetool")
# The extension's shared renderer and styles, which the lint page serves at /ext/lib/.
EXTENSION_LIB_DIR = package_folder("twoway.extension_lib")
