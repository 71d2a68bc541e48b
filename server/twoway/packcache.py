"""One loaded rule pack per process for the same pack files.

Loading the bundled pack compiles several hundred regular expressions and trains the
classifier rules: about half a second, which every app paid again. Apps of one process
(the test suite builds dozens; a server, one) whose pack folders hold the same bytes now
share the loaded pack. That is safe because a loaded pack is read-only: the linter only reads
its rules, and each app's Linter keeps its own sentence cache.

The key is the content of every file in the bundled and the team folder (a few hundred KB,
hashed in milliseconds), so an edited rule or training file is a different pack. A training
file that a team pack names outside its own folder is not part of the key.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from .pack import RulePack, load_pack

# Packs kept per process: the bundled pack and a few team packs (tests make many small ones).
MAX_PACKS = 8

_packs: OrderedDict[tuple, RulePack] = OrderedDict()
_lock = threading.Lock()


def folder_fingerprint(directory: str | Path | None) -> str | None:
    """A hash of every file's relative path and bytes under `directory` (None for no folder)."""
    if not directory:
        return None
    root = Path(directory)
    if not root.is_dir():
        return f"missing:{root}"  # load_pack reports it; nothing is cached for a failed load
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def shared_pack(bundled_dir: str | Path | None, team_dir: str | Path | None = None) -> RulePack:
    """load_pack(bundled_dir, team_dir), loaded once per process for the same files."""
    # The content alone: a loaded pack holds no paths (a rule knows its file by name only).
    key = (folder_fingerprint(bundled_dir), folder_fingerprint(team_dir))
    with _lock:
        pack = _packs.get(key)
        if pack is not None:
            _packs.move_to_end(key)
            return pack
        pack = load_pack(bundled_dir, team_dir)  # a RulePackError leaves the cache as it was
        _packs[key] = pack
        while len(_packs) > MAX_PACKS:
            _packs.popitem(last=False)
        return pack
