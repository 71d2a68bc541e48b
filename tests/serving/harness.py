"""Real servers on loopback for the serving tests: `twoway serve` (gunicorn) as a subprocess,
a stand-in LanguageTool whose checks take a set time, and process helpers (no psutil)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from twoway.languagetool_server import free_port

ROOT = Path(__file__).resolve().parents[2]
TWOWAY = str(Path(sys.executable).parent / "twoway")
NO_PROXY = {"http": None, "https": None}


def children(pid: int) -> list[int]:
    """Direct children of `pid`, read from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class ServeProcess:
    """`twoway serve` on a free loopback port; stop() sends SIGTERM and waits."""

    def __init__(self, workers: int = 2, env: dict | None = None, port: int | None = None,
                 args: tuple = (), ready_timeout: float = 150.0):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="twoway-serve-", suffix=".log", delete=False)
        full_env = {**os.environ, "TWOWAY_LANGUAGETOOL": "off", **(env or {})}
        self.process = subprocess.Popen(
            [TWOWAY, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers), *args],
            env=full_env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        self.wait_healthy(ready_timeout)

    @property
    def pid(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        return [p for p in children(self.pid) if " serve " in _cmdline(p) or "twoway" in _cmdline(p).split(" ")[0]]

    def wait_workers(self, n: int, timeout: float = 60.0, exclude: tuple = ()) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = [p for p in self.workers() if p not in exclude]
            if len(pids) == n and len(self.workers()) == n:
                return pids
            time.sleep(0.1)
        return self.workers()

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"twoway serve exited: {self.output()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1, proxies=NO_PROXY).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"twoway serve not healthy in {timeout} s: {self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def signal(self, sig: int) -> None:
        os.kill(self.pid, sig)

    def stop(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class SlowLanguageTool:
    """Answers like LanguageTool (no matches); each check takes `delay` seconds."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.checks = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, body: str):
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._send(json.dumps([{"name": "English (US)", "code": "en", "longCode": "en-US"}]))

            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if b"Thanks+for+the+call+yesterday" not in data and b"Thanks%20for" not in data:
                    fake.checks += 1
                    time.sleep(fake.delay)
                self._send(json.dumps({"matches": []}))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def post_lint(url: str, text: str, grammar: bool = False, timeout: float = 30, **kwargs) -> requests.Response:
    return requests.post(url + "/api/v1/lint", json={"text": text, "grammar": grammar}, timeout=timeout,
                         proxies=NO_PROXY, **kwargs)
