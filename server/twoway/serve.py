"""`twoway serve`: the app under gunicorn, a pre-fork WSGI server.

Why gunicorn: linting is CPU-bound Python, so one process per core is the only way to use the
cores (threads share one GIL); gunicorn forks workers from a parent that loaded the app and the
rule pack once (preload: copy-on-write pages, one pack compile), replaces a worker that dies
or stays silent past the request timeout, drains on SIGTERM and reloads on SIGHUP without
closing its socket. Its sync workers take one request at a time and expect a buffering proxy
in front for untrusted networks (slow clients): deploy/nginx/twoway.conf, docs/deploy.md.

- workers: the core count by default (--workers / TWOWAY_WORKERS);
- request timeout: a worker silent for TWOWAY_REQUEST_TIMEOUT seconds is killed and replaced;
- SIGTERM: stop accepting, finish every accepted request and those already queued in the
  listen backlog (DrainingSyncWorker), then exit (at most TWOWAY_GRACEFUL_TIMEOUT seconds);
- SIGHUP: the parent builds the app again (a changed rule pack is picked up; a broken one is
  refused and the old app kept), starts new workers, then drains the old ones; the listening
  socket stays open throughout, so no connection is refused;
- request line and headers are limited (gunicorn); the body limit is checked from
  Content-Length before reading (http_guard) and at nginx;
- feedback counts: the workers add to one table shared with the parent (feedback/pending.py),
  which any of them moves into the database; a worker flushes on its way out, the parent last;
- grammar: in `auto` mode the parent runs the local LanguageTool (and restarts it); the
  workers use it by URL. The parent waits for LanguageTool to be warm (bounded by
  TWOWAY_LANGUAGETOOL_WARMUP) before it binds, so the first lints have grammar.
"""
from __future__ import annotations

import errno
import gc
import logging
import os
from typing import Any, Callable, Mapping

from gunicorn.app.base import BaseApplication
from gunicorn.workers.sync import SyncWorker

log = logging.getLogger("twoway")

# gunicorn's defaults are 8190 / 100 / 8190; a lint request needs a short line and few headers.
LIMIT_REQUEST_LINE = 4094
LIMIT_REQUEST_FIELDS = 50
LIMIT_REQUEST_FIELD_SIZE = 8190


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class DrainingSyncWorker(SyncWorker):
    """A sync worker that, told to stop, also serves the connections already waiting in the
    listen backlog: they were sent by clients as surely as the one being served."""

    def run(self):
        super().run()
        self._drain_backlog()

    def _drain_backlog(self) -> None:
        for listener in self.sockets:
            listener.setblocking(False)
            while True:
                try:
                    client, addr = listener.accept()
                except OSError as exc:  # EAGAIN: the backlog is empty; EBADF: socket closed
                    if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.ECONNABORTED):
                        break
                    if exc.errno == errno.ECONNABORTED:
                        continue
                    break
                client.setblocking(True)
                self.handle(listener, client, addr)


class TwoWayServer(BaseApplication):
    def __init__(self, factory: Callable[[], Any], options: Mapping[str, Any]):
        self.factory = factory
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

    def rebuild(self, arbiter) -> None:
        """SIGHUP: a fresh app (and rule pack) for the new workers; the old one if that fails."""
        from .pack import RulePackError

        old = self.application
        try:
            new = self.factory()
        except (RulePackError, OSError, ValueError) as exc:
            arbiter.log.error("reload refused, keeping the running rule pack: %s", exc)
            return
        self.application = arbiter.app.callable = new
        _grammar(old).close()


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
        "worker_class": "twoway.serve.DrainingSyncWorker",
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
    server = TwoWayServer(lambda: build_app(config), options)
    server.run()
    return 0
