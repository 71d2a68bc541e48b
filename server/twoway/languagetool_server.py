"""A local LanguageTool HTTP server, run from the jars that Maven resolved (see docs/grammar.md).

`make languagetool` resolves the pinned LanguageTool (languagetool/pom.xml) into
.cache/languagetool/lib; languagetool/lt-server.sh runs org.languagetool.server.HTTPServer from
those jars with a Java >= 17 on a loopback port. Nothing is ever downloaded at run time.

Used by GrammarService in `auto` mode (one server per Python process, stopped at exit), by
the grammar tests' fixtures and by the benchmark.
"""
from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Mapping

import requests

from .resources import LANGUAGETOOL_DIR

log = logging.getLogger("twoway.grammar")

LAUNCHER = LANGUAGETOOL_DIR / "lt-server.sh"
# Where lt-server.sh looks by default: in a checkout, where `make languagetool` puts the jars.
# An installed wheel has none there: point TWOWAY_LANGUAGETOOL_JARS at them (docs/grammar.md).
DEFAULT_JARS = LANGUAGETOOL_DIR.parent / ".cache" / "languagetool" / "lib"
# LanguageTool 6.x is compiled for Java 17 (maven.compiler.target in languagetool-parent).
MIN_JAVA = 17


def find_jars(config: Mapping[str, Any] | None = None) -> Path | None:
    """The folder of LanguageTool jars, or None when `make languagetool` has not run."""
    configured = (config or {}).get("LANGUAGETOOL_JARS") or os.environ.get("TWOWAY_LANGUAGETOOL_JARS")
    folder = Path(configured) if configured else DEFAULT_JARS
    if folder.is_dir() and any(folder.glob("languagetool-server-*.jar")):
        return folder
    return None


def java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def find_java(config: Mapping[str, Any] | None = None) -> str | None:
    """A java executable of version >= MIN_JAVA: TWOWAY_JAVA, JAVA_HOME, PATH, then /usr/lib/jvm."""
    candidates = []
    configured = (config or {}).get("JAVA") or os.environ.get("TWOWAY_JAVA")
    if configured:
        candidates.append(configured)
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(on_path)
    candidates += sorted(str(p) for p in Path("/usr/lib/jvm").glob("*/bin/java"))
    seen = set()
    for java in candidates:
        if java in seen:
            continue
        seen.add(java)
        major = java_major(java)
        if major is not None and major >= MIN_JAVA:
            return java
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_answering(url: str, timeout: float = 1.0) -> bool:
    """True when a LanguageTool server at `url` (without /v2) lists its languages."""
    try:
        r = requests.get(url.rstrip("/") + "/v2/languages", timeout=timeout,
                         proxies={"http": None, "https": None})
        return r.status_code == 200 and isinstance(r.json(), list)
    except (requests.RequestException, ValueError):
        return False


class RotatingLog:
    """An append-only log file kept under `max_bytes`: when full it becomes NAME.1 (NAME.1 becomes
    NAME.2, ...), `backups` old files kept."""

    def __init__(self, path: Path, max_bytes: int = 5 << 20, backups: int = 2):
        self.path, self.max_bytes, self.backups = Path(path), max_bytes, backups
        self._out = open(self.path, "ab")

    def write(self, data: bytes) -> None:
        if self._out.tell() + len(data) > self.max_bytes and self._out.tell() > 0:
            self._rotate()
        self._out.write(data)
        self._out.flush()

    def _rotate(self) -> None:
        self._out.close()
        for i in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{i + 1}"))
        if self.backups:
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink(missing_ok=True)
        self._out = open(self.path, "ab")

    def close(self) -> None:
        self._out.close()


def pump(stream, out: RotatingLog) -> None:
    """Copy a child's output into `out` line by line until it closes; a write that fails drops
    that line only (the child must never block on a full pipe)."""
    try:
        for line in iter(stream.readline, b""):
            try:
                out.write(line)
            except OSError:
                pass
    finally:
        out.close()


class LocalLanguageTool:
    """One LanguageTool HTTPServer process on 127.0.0.1 (the pid is java's own)."""

    def __init__(self, jars: Path, java: str, port: int | None = None, log_path: Path | None = None):
        self.jars = Path(jars)
        self.java = java
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str | None:
        return f"http://127.0.0.1:{self.port}" if self.port else None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self, port: int | None = None) -> str:
        """Start the server (non-blocking) on `port`, the previous port, or a free one."""
        with self._lock:
            if self.running():
                return self.url
            self.port = port or self.port or free_port()
            if self.log_path is None:
                self.log_path = Path(tempfile.gettempdir()) / f"twoway-languagetool-{self.port}.log"
            # LanguageTool logs request sizes and timings, never the text (no --verbose); its
            # output goes through a pipe into a log that rotates (it would grow for as long as
            # the server runs).
            self.process = subprocess.Popen(
                ["sh", str(LAUNCHER), "--port", str(self.port), "--parent-pid", str(os.getpid()),
                 "--jars", str(self.jars), "--java", self.java],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            threading.Thread(target=pump, args=(self.process.stdout, RotatingLog(self.log_path)),
                             name="twoway-languagetool-log", daemon=True).start()
            log.info("LanguageTool starting on %s (pid %s, log %s)", self.url, self.process.pid, self.log_path)
            return self.url

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = 90.0) -> bool:
        """Wait until the server answers; False if it exits or the time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                return False
            if is_answering(self.url, timeout=2.0):
                return True
            time.sleep(0.2)
        return False

    def kill(self) -> None:
        """SIGKILL, as a crash would (used by the failure tests)."""
        if self.running():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        with self._lock:
            if not self.running():
                return
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def make_local(config: Mapping[str, Any] | None = None, port: int | None = None) -> LocalLanguageTool | None:
    """A (not yet started) local server, or None when Java >= 17 or the jars are missing."""
    jars = find_jars(config)
    if jars is None:
        return None
    java = find_java(config)
    if java is None:
        return None
    return LocalLanguageTool(jars, java, port=port)


_shared: LocalLanguageTool | None = None
_shared_lock = threading.Lock()


def shared_local(config: Mapping[str, Any] | None = None) -> LocalLanguageTool | None:
    """The process-wide local server of `auto` mode (created once, stopped at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = make_local(config)
            if _shared is not None:
                atexit.register(_shared.stop)
        return _shared
