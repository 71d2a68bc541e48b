"""`twoway serve`: the app under gunicorn, a pre-fork WSGI server.

Why gunicorn: linting is CPU-bound Python, so one process per core is the only way to use the
cores (threads share one GIL); gunicorn forks workers from a parent that loaded the app and the
rule pack once (preload: copy-on-write pages, one pack compile), replaces a worker that dies,
and reloads on SIGHUP without closing its socket. Buffering of slow clients is nginx's job on
untrusted networks: deploy/nginx/twoway.conf, docs/deploy.md.

Each worker is a TwoWayWorker (gunicorn's threaded worker, adapted):
- a few request threads (TWOWAY_THREADS): a lint that waits for LanguageTool or reads a long
  text no longer holds the whole worker; the CPU is shared between the lints of a worker by the
  interpreter's switch interval, so a long text costs its sender, not everyone behind it; lints
  with a body over BIG_LINT_BYTES take turns on a lane of one thread; the other lint threads
  take turns at the CPU, one at a time, and give the turn up while they wait for LanguageTool
  (fewer threads after the interpreter's lock: the main loop and /healthz get it sooner);
- /healthz never waits behind lints: the main thread looks at a request's first bytes before it
  queues it, and a health check goes to a thread of its own; /healthz says "busy" when lints
  wait in this worker's queue for longer than BUSY_WAIT;
- stopping (SIGTERM to the server) or being replaced (SIGHUP): the worker stops accepting at
  once (it closes its copy of the listening socket). A server that is stopping first lets no new
  TCP connection in (a socket filter drops SYNs, so none can land in the backlog just before it
  is closed and be reset), then takes every connection already waiting in the listen backlog
  (the parent marks the stop in memory shared with the workers before it signals them); a
  reload leaves them to the new workers. Then the
  worker answers all it holds and exits (at most TWOWAY_GRACEFUL_TIMEOUT seconds);
- a request silent for TWOWAY_REQUEST_TIMEOUT seconds is answered with the JSON timeout error,
  and its worker stops accepting, finishes the others and is replaced;
- gunicorn's own errors (a malformed request line, too many headers: 400, 414, 431) are
  answered in the API's JSON error shape, not gunicorn's HTML page.

- workers: the core count by default (--workers / TWOWAY_WORKERS);
- SIGHUP: the parent builds the app again (a changed rule pack is picked up; a broken one is
  refused, its error logged, and the running app kept); grammar (LanguageTool's client and the
  shared answer cache) is carried over, since a pack change does not change it;
- request line and headers are limited (gunicorn); the body limit is checked from
  Content-Length before reading (http_guard) and at nginx;
- feedback counts: the workers add to one table shared with the parent (feedback/pending.py),
  which any of them moves into the database; a worker flushes on its way out, the parent last;
- grammar: in `auto` mode the parent runs the local LanguageTool (and restarts it); the
  workers use it by URL. The parent waits for LanguageTool to be warm (bounded by
  TWOWAY_LANGUAGETOOL_WARMUP) before it binds, so the first lints have grammar.
"""
from __future__ import annotations

import ctypes
import errno
import gc
import json
import logging
import mmap
import os
import re
import selectors
import socket
import struct
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from functools import partial
from typing import Any, Callable, Mapping

from gunicorn.app.base import BaseApplication
from gunicorn import util
from gunicorn.arbiter import Arbiter
from gunicorn.workers.gthread import TConn, ThreadWorker

from . import load

log = logging.getLogger("twoway")

# gunicorn's defaults are 8190 / 100 / 8190; a lint request needs a short line and few headers.
LIMIT_REQUEST_LINE = 4094
LIMIT_REQUEST_FIELDS = 50
LIMIT_REQUEST_FIELD_SIZE = 8190


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


# The interpreter's thread switch interval in a worker (Python's default: 5 ms).
SWITCH_INTERVAL = 0.001
# A lint that has waited this long in a worker's queue makes /healthz say "busy".
BUSY_WAIT = 1.0
# Connections one worker holds at most (the rest wait in the listen backlog, for any worker).
WORKER_CONNECTIONS = 128
# Lint threads of a worker that lint at once (the rest wait for LanguageTool or for a turn).
CPU_TURNS = 1
# Lint requests with a larger body run on the worker's lane for long texts (one at a time).
BIG_LINT_BYTES = 16 * 1024
# Requests with a larger body: memory is handed back to the system after them (malloc_trim).
BIG_REQUEST_BYTES = 64 * 1024
_HEALTH_PREFIXES = (b"GET /healthz", b"HEAD /healthz")


class StopFlag:
    """One byte of memory shared by the parent and its workers (made before the fork): set when
    the whole server stops, as opposed to a reload replacing old workers."""

    def __init__(self):
        self._map = mmap.mmap(-1, 1)

    def set(self) -> None:
        self._map[0] = 1

    def is_set(self) -> bool:
        return self._map[0] == 1


STOPPING = StopFlag()

# A handshake under way when a stopping server stops taking new ones completes within a round
# trip; the backlog is drained once more after this wait, before the listener closes.
HANDSHAKE_WAIT = 0.05
_SO_ATTACH_FILTER = 26  # Linux
# Classic BPF over a TCP segment (a socket filter sees it from the TCP header): drop a SYN
# (a new connection), pass everything else, so handshakes already under way still complete.
_DROP_NEW_CONNECTIONS = b"".join(struct.pack("HBBI", *insn) for insn in (
    (0x30, 0, 0, 13),          # load the flags byte
    (0x45, 0, 2, 0x02),        # SYN? else pass
    (0x45, 1, 0, 0x10),        # SYN with ACK: pass
    (0x06, 0, 0, 0),           # drop
    (0x06, 0, 0, 0xFFFFFFFF),  # pass
))


def refuse_new_connections(sock: socket.socket) -> bool:
    """From now on the listening socket lets no new connection in (its SYNs are dropped: the
    client retries, then is refused once the socket is closed), while the connections already
    in its backlog stay there to be accepted. Closing a listener resets its backlog, and without
    this a client that connected between the last accept and the close would be reset after it
    saw its connection open. Only for TCP (the filter reads a TCP header); False for other
    sockets, or where the system has no socket filters (then the listener is closed as it is)."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
        return False
    program = ctypes.create_string_buffer(_DROP_NEW_CONNECTIONS, len(_DROP_NEW_CONNECTIONS))
    fprog = struct.pack("HP", len(_DROP_NEW_CONNECTIONS) // 8, ctypes.addressof(program))
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_ATTACH_FILTER, fprog)
    except OSError:
        return False
    return True


def json_error_bytes(status: int, reason: str, code: str, message: str) -> bytes:
    """A whole HTTP answer in the API's error shape (errors.error_response), for the places
    below the app: gunicorn's own errors and the request timeout."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Cache-Control: no-store\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


_GUNICORN_MESSAGES = {
    400: "The request is not valid HTTP.",
    403: "The request is forbidden.",
    414: "The request line is too long.",
    417: "The expectation cannot be met.",
    431: "The request has too many or too large header fields.",
    500: "The server could not answer this request.",
    501: "The transfer coding is not supported.",
}


def write_json_error(sock, status_int, reason, _mesg) -> None:
    """gunicorn's error page (util.write_error) in the API's JSON error shape. The message
    names the class of problem only: gunicorn's own text may quote the request line."""
    status = int(status_int)
    code = str(reason or "error").lower().replace(" ", "_")
    util.write_nonblock(sock, json_error_bytes(status, reason, code, _GUNICORN_MESSAGES.get(status, f"{reason}.")))


def _declared_length(head: bytes) -> int:
    """The Content-Length in a request's first bytes (0 when not there yet or not a number)."""
    found = re.search(rb"\r\ncontent-length:[ \t]*(\d{1,12})\r\n", head, re.IGNORECASE)
    return int(found.group(1)) if found else 0


def _done(result):
    """A finished future holding `result`, for finish_request."""
    from concurrent.futures import Future
    future = Future()
    future.set_result(result)
    return future


def _trim_memory() -> None:
    """Give freed heap back to the system (glibc keeps it otherwise): a worker returns near its
    resting size after a long text instead of staying at its peak."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class TwoWayWorker(ThreadWorker):
    """gunicorn's threaded worker with a health lane, a stop that accepts nothing new, request
    timeouts answered in JSON, and JSON error pages (see the module's docstring)."""

    def init_process(self):
        util.write_error = write_json_error  # in this worker process only
        # Lint threads are CPU-bound: a shorter switch interval lets the main loop and a health
        # check take the interpreter sooner (5 ms by default, each time it is asked for).
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.health_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="twoway-health")
        # Long texts take turns on a lane of one thread: a sender of big texts shares the worker
        # with everyone else instead of taking every thread of it.
        # The other lint threads take turns at linting, CPU_TURNS at a time (load.py says why).
        turns = load.take_cpu_turns(CPU_TURNS)
        self.big_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="twoway-big",
                                           initializer=turns.exempt)
        self.big_waiting = 0
        self.lock = threading.Lock()
        self.waiting: dict[int, float] = {}  # id(conn) -> when it was queued for a thread
        self.running: dict[int, tuple[float, TConn]] = {}  # id(conn) -> (when it started, conn)
        self.timed_out = False
        load.register(self.saturation)
        super().init_process()

    # -- the health lane -------------------------------------------------------------------

    def accept(self, listener):
        """Accept, then wait for the request's first bytes in the poller (not in a thread), so
        that enqueue_req can tell a health check from a lint."""
        if not self.alive or getattr(listener, "sock", None) is None:
            return  # stopping: _stop_listening closed the listener earlier in this same round
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK, errno.EBADF):
                raise
            return
        self._take(TConn(self.cfg, client_sock, client_addr, listener.getsockname()))

    def _take(self, conn: TConn) -> None:
        self.nr_conns += 1
        if self.cfg.is_ssl or self._first_bytes(conn):
            conn.data_ready = True
            self.enqueue_req(conn)
            return
        conn.timeout = time.monotonic() + 5.0
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    @staticmethod
    def _first_bytes(conn: TConn, size: int = 16) -> bytes:
        try:
            return conn.sock.recv(size, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except OSError:
            return b""

    def enqueue_req(self, conn):
        head = b"" if conn.initialized else self._first_bytes(conn, 8192)
        health = head.startswith(_HEALTH_PREFIXES)
        if health and b"\r\n\r\n" in head:
            # All of it is here: answered on the main loop now, with no thread to wait for.
            self.finish_request(conn, _done(self.handle(conn)))
            return
        big = not health and _declared_length(head) > BIG_LINT_BYTES
        # A request whose every byte is here is handled under a CPU turn from start to end (no
        # read can block while it holds the turn); any other under a turn for its lint only.
        whole = not health and not big and self._whole_request_here(conn, head)
        if not health:
            with self.lock:
                self.waiting[id(conn)] = time.monotonic()
                self.big_waiting += big
        pool = self.health_pool if health else self.big_pool if big else self.tpool
        fs = pool.submit(self._handle_counted, conn, health, big, whole)
        fs.add_done_callback(lambda fut: self.method_queue.defer(self.finish_request, conn, fut))

    def _whole_request_here(self, conn: TConn, head: bytes) -> bool:
        """The request line, headers and Content-Length body are all in the socket's buffer."""
        end = head.find(b"\r\n\r\n")
        if end < 0:
            return False
        size = end + 4 + _declared_length(head[:end + 2])
        if size > len(head):
            head = self._first_bytes(conn, size)
        return len(head) >= size

    def _handle_counted(self, conn: TConn, health: bool, big: bool = False, whole: bool = False):
        if health:
            return self.handle(conn)
        key = id(conn)
        with self.lock:
            self.waiting.pop(key, None)
            self.big_waiting -= big
            self.running[key] = (time.monotonic(), conn)
        try:
            with load.cpu_turn() if whole else nullcontext():
                return self.handle(conn)
        finally:
            with self.lock:
                self.running.pop(key, None)

    def saturation(self) -> dict:
        """For /healthz: the lints waiting in this worker for a thread, and the longest wait."""
        with self.lock:
            oldest = min(self.waiting.values(), default=None)
            queued, running, big = len(self.waiting), len(self.running), self.big_waiting
        waited = 0.0 if oldest is None else time.monotonic() - oldest
        return {"busy": waited > BUSY_WAIT, "queued": queued, "running": running, "waited_ms": round(waited * 1000),
                "big_queued": big}

    def handle_request(self, req, conn):
        keep = super().handle_request(req, conn)
        try:
            length = int(next((v for k, v in req.headers if k == "CONTENT-LENGTH"), 0))
        except (TypeError, ValueError):
            length = 0
        if length > BIG_REQUEST_BYTES:
            _trim_memory()
        return keep

    # -- stopping --------------------------------------------------------------------------

    def handle_exit(self, sig, frame):
        if self.alive:
            self.alive = False
            self.method_queue.defer(self._stop_listening)

    def _stop_listening(self) -> None:
        """Accept nothing new from now on. When the server stops, first shut the door
        (refuse_new_connections), then take what is already waiting in the listen backlog
        (clients sent it before the stop); on a reload, leave it to the new workers. Then close
        this worker's copy of the listening socket: once every process has, new connections
        are refused."""
        self.set_accept_enabled(False)
        listeners = [listener for listener in self.sockets if getattr(listener, "sock", None) is not None]
        if STOPPING.is_set():
            # The listening socket is shared with the other workers: the first to stop closes
            # the door for all (a reload leaves it open for the new workers). A list, not a
            # generator: every listener gets the filter, not only up to the first that takes it.
            if any([refuse_new_connections(listener.sock) for listener in listeners]):
                self._drain(listeners)
                time.sleep(HANDSHAKE_WAIT)
            self._drain(listeners)
        for listener in listeners:
            listener.close()

    def _drain(self, listeners) -> None:
        """Take every connection waiting in the listeners' backlog."""
        for listener in listeners:
            listener.setblocking(False)
            while True:
                try:
                    client_sock, client_addr = listener.accept()
                except OSError as exc:
                    if exc.errno == errno.ECONNABORTED:
                        continue
                    break  # EAGAIN: the backlog is empty
                client_sock.setblocking(True)
                self._take(TConn(self.cfg, client_sock, client_addr, listener.getsockname()))

    # -- request timeouts ------------------------------------------------------------------

    def murder_pending(self):
        super().murder_pending()  # called by the main loop about once a second
        self._answer_overdue()

    def _answer_overdue(self) -> None:
        """A request past the request timeout: its client gets the JSON timeout error now, and
        this worker stops (a thread cannot be interrupted) while the parent starts a fresh one."""
        limit = self.cfg.timeout
        if not limit:
            return
        now = time.monotonic()
        with self.lock:
            overdue = [key for key, (started, _) in self.running.items() if now - started > limit]
            conns = [self.running.pop(key)[1] for key in overdue]
        for conn in conns:
            self.log.error("request timeout: a request ran for more than %d s; answered 503, replacing this worker",
                           limit)
            try:
                conn.sock.settimeout(1.0)
                conn.sock.sendall(json_error_bytes(
                    503, "Service Unavailable", "timeout",
                    "The server took too long on this request; try again, or send a shorter text."))
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.timed_out = True
            self.handle_exit(None, None)

    def run(self):
        super().run()
        self.health_pool.shutdown(wait=False)
        self.big_pool.shutdown(wait=False)
        if self.timed_out:
            # A thread is still inside the overdue request: exit without waiting for it.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)


class TwoWayServer(BaseApplication):
    def __init__(self, factory: Callable[[], Any], options: Mapping[str, Any],
                 config: Mapping[str, Any] | None = None):
        self.factory = factory
        self.config = dict(config or {})
        self.options = dict(options)
        self.application = None
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self):
        if self.application is None:
            self.application = self.factory()
        return self.application

    def run(self):
        """gunicorn's run, with an arbiter that tells its workers when the server is stopping."""
        import sys

        try:
            StoppingArbiter(self).run()
        except RuntimeError as exc:
            print(f"\nError: {exc}\n", file=sys.stderr, flush=True)
            sys.exit(1)

    def rebuild(self, arbiter) -> None:
        """SIGHUP: a fresh app (and rule pack) for the new workers, built and checked completely
        before anything changes; on any failure the running app is kept and the log says why.
        Grammar is carried over (a pack change does not change LanguageTool)."""

        from . import create_app
        from .pack import RulePackError
        from .service import checker_of

        old = self.application
        started = time.monotonic()
        try:
            new = create_app({**(self.config or {}), "LANGUAGETOOL": "off"})
            checker_of(new).grammar = _grammar(old)
        except RulePackError as exc:
            arbiter.log.error("reload refused, keeping the running rule pack: %s", exc)
            return
        except Exception as exc:  # whatever it is, the running server must not fall over
            arbiter.log.error("reload refused, keeping the running rule pack: %s (%s)", type(exc).__name__, exc)
            return
        self.application = arbiter.app.callable = new
        gc.collect()
        gc.freeze()
        arbiter.log.info("reloaded: %d rules, built in %.1f s", len(checker_of(new).pack.rules),
                         time.monotonic() - started)


class StoppingArbiter(Arbiter):
    def stop(self, graceful=True):
        # Before the workers are told: a stopping worker takes the connections waiting in the
        # listen backlog (a replaced one, on reload, leaves them to the new workers).
        STOPPING.set()
        super().stop(graceful)


def _grammar(app):
    from .service import checker_of
    return checker_of(app).grammar


def _feedback(app):
    from .feedback import feedback_of
    return feedback_of(app)


def build_app(config: Mapping[str, Any] | None) -> Any:
    """The app of the parent process, with grammar warm when LanguageTool can be had."""
    from . import create_app

    app = create_app(config)
    # The feedback counts' schema, migrated once here, before the workers fork (they share the app).
    _feedback(app).start()
    grammar = _grammar(app)
    if grammar.state != "off":
        wait = float(app.config.get("LANGUAGETOOL_WARMUP", 90.0))
        print(f"Two-Way: waiting up to {wait:.0f} s for LanguageTool to be warm", flush=True)
        state = grammar.wait_ready(wait)
        print(f"Two-Way: grammar {state}", flush=True)
    # The loaded app and pack are shared copy-on-write with the workers: keep the collector
    # from walking (and so copying) them in every worker.
    gc.collect()
    gc.freeze()
    return app


def _log_to_stderr() -> None:
    """Two-Way's own log lines (grammar down and back, reloads) next to gunicorn's, on stderr: without a
    handler Python prints only warnings, and "grammar ok" after an outage went unseen."""
    logger = logging.getLogger("twoway")
    if not any(getattr(h, "twoway_serve", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
                                               "%Y-%m-%d %H:%M:%S %z"))
        handler.twoway_serve = True
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def serve(host: str = "127.0.0.1", port: int = 8765, workers: int | None = None,
          config: Mapping[str, Any] | None = None) -> int:
    from .config import load_config

    settings = load_config(config)
    workers = workers or int(settings.get("WORKERS") or 0) or default_workers()
    server: TwoWayServer

    def on_reload(arbiter):
        server.rebuild(arbiter)

    def post_fork(_arbiter, _worker):
        _grammar(server.application).after_fork()

    def when_ready(_arbiter):
        from .service import checker_of
        app = server.application
        print(f"Two-Way on http://{host}:{port}/ ({len(checker_of(app).pack.rules)} rules, "
              f"{workers} worker(s), pid {os.getpid()})", flush=True)

    def worker_exit(_arbiter, _worker):
        # The worker's share of the feedback counts reaches the database before it goes.
        _feedback(server.application).close()

    def on_exit(_arbiter):
        if server.application is not None:
            _grammar(server.application).close()
            _feedback(server.application).close()  # whatever is still pending, from any worker

    options = {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers,
        "worker_class": "twoway.serve.TwoWayWorker",
        "threads": int(settings["THREADS"]),
        # The connections a worker holds (queued for a thread): /healthz must still be accepted
        # when every thread is busy, so well above the thread count; bounded, because a worker
        # that dies resets every connection it holds, and nginx's max_fails must stay above
        # that (deploy/nginx/twoway.conf).
        "worker_connections": WORKER_CONNECTIONS,
        # One request per connection, as before: no kept-alive connection for a stopping worker to
        # close under a client that is sending on it.
        "keepalive": 0,
        "preload_app": True,
        "timeout": int(settings["REQUEST_TIMEOUT"]),
        "graceful_timeout": int(settings["GRACEFUL_TIMEOUT"]),
        "backlog": 2048,
        "limit_request_line": LIMIT_REQUEST_LINE,
        "limit_request_fields": LIMIT_REQUEST_FIELDS,
        "limit_request_field_size": LIMIT_REQUEST_FIELD_SIZE,
        # nginx on the same machine may say who the client was; nobody else may.
        "forwarded_allow_ips": "127.0.0.1,::1",
        "proc_name": "twoway",
        # No access log: paths and sizes only would be harmless, but the lint page is "/"
        # and a log line per keystroke pause is noise. Errors go to stderr.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        # gunicorn 25+ opens a control socket at one fixed path per user: several servers on a
        # machine (nginx upstreams) would fight over it, and nothing here uses it.
        "control_socket_disable": True,
        "on_reload": on_reload,
        "post_fork": post_fork,
        "when_ready": when_ready,
        "worker_exit": worker_exit,
        "on_exit": on_exit,
    }
    _log_to_stderr()
    server = TwoWayServer(lambda: build_app(config), options, config)
    server.run()
    return 0
