"""The HTTP contract under attack (issue 10, item 6): malformed tokens, non-JSON numbers and
null fields, the Host allow-list against DNS rebinding, no-store on answers that quote email
text, and the body limit taken from the headers before any byte of the body is read."""
from __future__ import annotations

import socket
import threading

import pytest
from werkzeug.serving import make_server

from twoway import create_app
from twoway.http_guard import host_allowed


@pytest.fixture(scope="module")
def token_client():
    return create_app({"LANGUAGETOOL": "off", "API_TOKEN": "s3cret"}).test_client()


@pytest.mark.parametrize("header", [
    "Bearer s3cr\u00e9t",            # a non-ASCII byte (latin-1 on the wire)
    "Bearer \u00ff\u00fe",
    "Bearer \u20ac",                  # beyond latin-1 (only a test client can send it)
    "Bearer",
    "Bearer ",
    "Basic czNjcmV0",
    "s3cret",
    "Bearer s3cret extra",
    "\u00e9",
])
def test_malformed_authorization_is_401_never_500(token_client, header):
    r = token_client.post("/api/v1/lint", json={"text": "hi", "grammar": False}, headers={"Authorization": header})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_token_scheme_is_case_insensitive(token_client):
    r = token_client.post("/api/v1/lint", json={"text": "hi", "grammar": False}, headers={"Authorization": "bearer s3cret"})
    assert r.status_code == 200


def raw_request(port: int, data: bytes, read_timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except socket.timeout:
            pass
        return b"".join(chunks)


@pytest.fixture(scope="module")
def live_port():
    """A real HTTP server, so that the bytes on the wire are what a client sends."""
    app = create_app({"LANGUAGETOOL": "off", "API_TOKEN": "s3cret", "MAX_CHARS": 1000})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()


def test_non_ascii_bytes_in_authorization_on_the_wire_are_401(live_port):
    body = b'{"text": "hi", "grammar": false}'
    answer = raw_request(live_port, b"POST /api/v1/lint HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Authorization: Bearer \xc3\xa9\xff\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


def test_declared_huge_body_is_refused_before_reading(live_port):
    # Headers announce 1 GB and only a few bytes follow: the answer must come from the headers
    # alone (a server that reads the body first would wait for the rest until our timeout).
    answer = raw_request(live_port, b"POST /api/v1/lint HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Authorization: Bearer s3cret\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1000000000\r\nConnection: close\r\n\r\n{\"text\": \"", read_timeout=5.0)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code"' in answer


@pytest.mark.parametrize("body", [
    '{"text": "hi", "subject": null}',
    '{"text": "hi", "grammar": false, "x": NaN}',
    '{"text": "hi", "grammar": false, "x": Infinity}',
    '{"text": "hi", "grammar": false, "x": -Infinity}',
    '{"text": NaN}',
])
def test_schema_types_are_enforced(client, body):
    r = client.post("/api/v1/lint", data=body, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] in ("invalid_json", "invalid_request")


def test_lint_answers_and_errors_are_never_cached(client):
    ok = client.post("/api/v1/lint", json={"text": "Sign by Friday.", "grammar": False})
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    bad = client.post("/api/v1/lint", data="{", content_type="application/json")
    assert bad.status_code == 400 and bad.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/rules").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "attacker.test."])
def test_dns_rebinding_host_is_refused(client, host):
    for method, path in (("post", "/api/v1/lint"), ("get", "/healthz"), ("get", "/")):
        kwargs = {"json": {"text": "hi", "grammar": False}} if method == "post" else {}
        r = getattr(client, method)(path, headers={"Host": host}, **kwargs)
        assert r.status_code == 421, (path, host)
        assert r.get_json()["error"]["code"] == "misdirected_request"


@pytest.mark.parametrize("host", ["localhost", "localhost:8765", "127.0.0.1:8765", "[::1]:8765", "LOCALHOST"])
def test_loopback_names_are_allowed(client, host):
    assert client.get("/healthz", headers={"Host": host}).status_code == 200


def test_allowed_hosts_configurable(monkeypatch):
    monkeypatch.setenv("TWOWAY_ALLOWED_HOSTS", "lint.example.com, twoway.internal")
    client = create_app({"LANGUAGETOOL": "off"}).test_client()
    assert client.get("/healthz", headers={"Host": "lint.example.com"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "twoway.internal:443"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 421
    assert host_allowed("anything", ["*"])


def test_openapi_documents_the_contract(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    lint = doc["paths"]["/api/v1/lint"]["post"]
    assert {"400", "401", "413", "415", "421"} <= set(lint["responses"])
    assert lint["requestBody"]["content"]["application/json"]["schema"]["properties"]["subject"]["nullable"] is False
