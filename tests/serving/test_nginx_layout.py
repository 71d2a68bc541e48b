"""The scale-out layout, for real on loopback (issue 10, items 4 and 7): nginx with
deploy/nginx/twoway.conf (TLS with a certificate made here) in front of two `twoway serve`,
both using one LanguageTool by URL. A stopped backend is routed around with nothing lost, and
98 slow clients held at nginx leave everyone else served."""
from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .harness import NGINX, NginxLayout, ServeProcess, SlowLanguageTool

pytestmark = pytest.mark.skipif(shutil.which(NGINX) is None and not __import__("os").path.exists(NGINX),
                                reason="no nginx (make test installs Debian's nginx)")

EMAIL = "Hi Sam, thanks for the call on {n}. Would Tuesday suit your team for a short demo?"


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    # Whatever was started is stopped, also when a later step fails (a fixture that raises before
    # its yield gets no teardown); the backends are stopped as the test left them (it replaces one).
    backends = []
    with contextlib.ExitStack() as started:
        lt = SlowLanguageTool(delay=0.0)
        started.callback(lt.close)
        env = {"TWOWAY_LANGUAGETOOL": lt.url}
        started.callback(lambda: [b.stop() for b in backends])
        backends += [ServeProcess(workers=1, env=env) for _ in range(2)]
        nginx = NginxLayout(tmp_path_factory.mktemp("nginx"), [b.port for b in backends])
        started.callback(nginx.stop)
        yield {"lt": lt, "backends": backends, "nginx": nginx, "env": env}


def lint(session, url, n, grammar=True):
    return session.post(url + "/api/v1/lint", json={"text": EMAIL.format(n=n), "grammar": grammar}, timeout=30)


def test_tls_lints_reach_every_backend_and_share_one_languagetool(layout):
    nginx = layout["nginx"]
    session = nginx.session()
    answers = [lint(session, nginx.url, i) for i in range(12)]
    assert [a.status_code for a in answers] == [200] * 12
    assert all(a.json()["grammar"] == "ok" and a.headers["Cache-Control"] == "no-store" for a in answers)
    upstreams = {a.headers["X-Twoway-Upstream"] for a in answers}
    assert upstreams == {f"127.0.0.1:{b.port}" for b in layout["backends"]}
    plain = session.get(f"http://127.0.0.1:{nginx.http_port}/healthz", allow_redirects=False)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")


def test_body_limit_at_nginx(layout):
    nginx = layout["nginx"]
    r = nginx.session().post(nginx.url + "/api/v1/lint", data=b"x" * 500_000,
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413 and "X-Twoway-Upstream" not in r.headers  # refused at nginx


def _slow_client(port: int, stop: threading.Event, opened: list):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with context.wrap_socket(raw) as tls:
                tls.sendall(b"POST /api/v1/lint HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 100000\r\n\r\n")
                opened.append(1)
                while not stop.wait(2.0):  # one byte every 2 s
                    tls.sendall(b" ")
    except OSError:
        pass


def test_98_slow_clients_at_nginx_leave_other_clients_served(layout):
    nginx = layout["nginx"]
    stop, opened = threading.Event(), []
    attackers = [threading.Thread(target=_slow_client, args=(nginx.https_port, stop, opened), daemon=True)
                 for _ in range(98)]
    for t in attackers:
        t.start()
    try:
        deadline = time.monotonic() + 30
        while len(opened) < 98 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(opened) == 98  # every attacker holds a connection at nginx

        def client(k):
            session = nginx.session()
            return [lint(session, nginx.url, 1000 * k + i).status_code for i in range(15)]

        with ThreadPoolExecutor(4) as pool:
            statuses = [s for batch in pool.map(client, range(4)) for s in batch]
        assert statuses == [200] * 60
    finally:
        stop.set()
        for t in attackers:
            t.join(timeout=10)


def test_a_stopped_backend_is_routed_around_with_nothing_lost(layout):
    nginx = layout["nginx"]
    first, second = layout["backends"]
    results, stop = [], threading.Event()

    def client(k):
        session = nginx.session()
        i = 0
        while not stop.is_set():
            r = lint(session, nginx.url, 10_000 * k + i)
            results.append((time.monotonic(), r.status_code, r.headers.get("X-Twoway-Upstream", "")))
            i += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        first.stop()  # SIGTERM: drains what it accepted, then nothing listens on its port
        stopped_at = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert results and all(status == 200 for _, status, _ in results), [r for r in results if r[1] != 200][:5]
    # $upstream_addr lists every backend tried: the last one answered.
    after = [up.split(", ")[-1] for t, _, up in results if t > stopped_at + 0.5]
    assert after and set(after) == {f"127.0.0.1:{second.port}"}
    # Back in service for whatever runs next.
    layout["backends"][0] = ServeProcess(workers=1, env=layout["env"], port=first.port)
