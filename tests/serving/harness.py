"""Real servers on loopback for the serving tests: `twoway serve` (gunicorn) as a subprocess,
a stand-in LanguageTool whose checks take a set time, and process helpers (no psutil)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import requests

from twoway.languagetool_server import free_port
from loopback import LoopbackServer
from owned import start, stop_group

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


def private_kb(pid: int) -> int:
    """Memory only this process holds (not shared copy-on-write with the parent), in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        fields[name] = int(rest.split()[0])
    return fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)


class ServeProcess:
    """`twoway serve` on a free loopback port, in a process group of its own; stop() sends SIGTERM,
    waits, and kills whatever is left of the group (the workers too). One that does not come up
    is stopped before the error is raised."""

    def __init__(self, workers: int = 2, env: dict | None = None, port: int | None = None,
                 args: tuple = (), ready_timeout: float = 150.0):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="twoway-serve-", suffix=".log", delete=False)
        full_env = {**os.environ, "TWOWAY_LANGUAGETOOL": "off", **(env or {})}
        self.process = start(
            [TWOWAY, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers), *args],
            env=full_env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            self.wait_healthy(ready_timeout)
        except BaseException:
            self.stop(timeout=10)
            raise

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
        stop_group(self.process, signal.SIGTERM, timeout)
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
        self.down = False  # True: every request is answered 503, as a LanguageTool that broke
        self.checks = 0
        self.texts: list[str] = []  # the text of each check, in order
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
                if fake.down:
                    self.send_error(503)
                    return
                self._send(json.dumps([{"name": "English (US)", "code": "en", "longCode": "en-US"}]))

            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if fake.down:
                    self.send_error(503)
                    return
                if b"Thanks+for+the+call+yesterday" not in data and b"Thanks%20for" not in data:
                    fake.checks += 1
                    fake.texts += urllib.parse.parse_qs(data.decode()).get("text", [])
                    time.sleep(fake.delay)
                self._send(json.dumps({"matches": []}))

        self.server = LoopbackServer(Handler)
        self.url = self.server.url

    def close(self):
        self.server.close()


def post_lint(url: str, text: str, grammar: bool = False, timeout: float = 30, **kwargs) -> requests.Response:
    return requests.post(url + "/api/v1/lint", json={"text": text, "grammar": grammar}, timeout=timeout,
                         proxies=NO_PROXY, **kwargs)


NGINX = "/usr/sbin/nginx"
NGINX_CONF = ROOT / "deploy" / "nginx" / "twoway.conf"


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost / 127.0.0.1, made with openssl for this test run only."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return cert, key


def layout_conf(backend_ports: list[int], https_port: int, http_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx/twoway.conf with loopback ports, the test's certificate and a header naming
    the backend that answered; each change must find its line, so the test runs the real file."""
    import re

    conf = NGINX_CONF.read_text()
    servers = re.findall(r"^( *)server 127\.0\.0\.1:\d+ (max_fails=[^;]*);$", conf, re.M)
    assert len(servers) == 2, "the upstream block changed shape"
    indent, params = servers[0]
    conf = re.sub(r"^ *server 127\.0\.0\.1:\d+ max_fails=[^;]*;\n", "", conf, flags=re.M)
    upstream = "".join(f"{indent}server 127.0.0.1:{p} {params};\n" for p in backend_ports)
    conf = conf.replace("upstream twoway_lint {\n", "upstream twoway_lint {\n" + upstream, 1)
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/ssl/twoway/fullchain.pem", str(cert)),
        ("/etc/ssl/twoway/privkey.pem", str(key)),
        ("        proxy_pass http://twoway_lint;\n",
         "        proxy_pass http://twoway_lint;\n        add_header X-Twoway-Upstream $upstream_addr always;\n"),
    ):
        assert conf.count(old) == 1, f"deploy/nginx/twoway.conf: {old!r} not found once"
        conf = conf.replace(old, new)
    return conf


class NginxLayout:
    """nginx running deploy/nginx/twoway.conf in front of `backend_ports`, on loopback."""

    def __init__(self, folder: Path, backend_ports: list[int]):
        self.folder = folder
        self.https_port, self.http_port = free_port(), free_port()
        cert, key = self_signed_cert(folder)
        self.cert = cert
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / sub).mkdir(exist_ok=True)
        (folder / "twoway.conf").write_text(layout_conf(backend_ports, self.https_port, self.http_port, cert, key))
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
            f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
            f"  include {folder}/twoway.conf;\n}}\n")
        check = subprocess.run([NGINX, "-t", "-p", str(folder), "-e", str(folder / "error.log"),
                                "-c", str(folder / "nginx.conf")], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        self.process = start([NGINX, "-p", str(folder), "-e", str(folder / "error.log"),
                              "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"https://127.0.0.1:{self.https_port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket_connect(self.https_port):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not listen")

    def session(self) -> requests.Session:
        s = requests.Session()
        s.verify = str(self.cert)
        s.trust_env = False
        return s

    def stop(self) -> None:
        # SIGQUIT is `nginx -s quit` (graceful); then its group, the worker with it, is killed.
        stop_group(self.process, signal.SIGQUIT, timeout=20)


def socket_connect(port: int):
    import socket
    return socket.create_connection(("127.0.0.1", port), timeout=1)


class LintLoad:
    """`clients` threads linting `url` in a loop (a new connection per request, as nginx
    sends them) until stop(): every answer's status, or the exception a request died of."""

    def __init__(self, url: str, clients: int = 8, text: str = "Thanks for the call. Would Tuesday suit you?",
                 grammar: bool = False, timeout: float = 60):
        import threading

        self.url, self.text, self.grammar, self.timeout = url, text, grammar, timeout
        self.results: list[tuple[float, float, object]] = []  # (start, seconds, status or exception name)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(k,), daemon=True) for k in range(clients)]
        for t in self._threads:
            t.start()

    def _run(self, k: int) -> None:
        i = 0
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                r = post_lint(self.url, f"{self.text} Ref {k}-{i}.", self.grammar, timeout=self.timeout)
                outcome: object = r.status_code
            except requests.RequestException as exc:
                # Refused at connect (nothing was accepted) is not a connection reset or cut short.
                refused = isinstance(exc, requests.ConnectionError) and "[Errno 111]" in str(exc)
                outcome = "ConnectionRefused" if refused else type(exc).__name__
            self.results.append((t0, time.monotonic() - t0, outcome))
            i += 1

    def stop(self) -> "LintLoad":
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)
        return self

    def failures(self) -> list:
        return [(t0, d, what) for t0, d, what in self.results if what != 200]


def raw(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """What the server answers to bytes sent as they are (malformed requests gunicorn parses itself)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return out
