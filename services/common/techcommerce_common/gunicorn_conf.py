"""gunicorn settings shared by every service; each value comes from the environment.

Run a service as: gunicorn -c python:techcommerce_common.gunicorn_conf <package>.wsgi:app
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

from gunicorn import util
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .settings import load_settings


class GunicornSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    port: int = Field(default=5000, ge=1, le=65535)
    gunicorn_workers: int = Field(default=2, ge=1, le=64)
    # Connections one worker serves at once; the database pool (10) bounds concurrent queries.
    gunicorn_connections: int = Field(default=1000, ge=1, le=100_000)
    # Time in-flight requests get to finish after SIGTERM; keep it below the
    # pod's terminationGracePeriodSeconds.
    graceful_timeout: int = Field(default=20, ge=1, le=600)
    # Requests one keep-alive connection serves before gunicorn answers `Connection: close`.
    gunicorn_keepalive_requests: int = Field(default=20, ge=1, le=100_000)
    prometheus_multiproc_dir: Path | None = None


_settings = load_settings(GunicornSettings)

bind = f"0.0.0.0:{_settings.port}"
workers = _settings.gunicorn_workers
# gevent: a connection still sending its request costs a greenlet, not a thread. With
# gthread each slow client pinned one of the worker's threads, and 50 of them (one byte
# every 0.5 s) left no thread for anyone else. psycopg and SQLAlchemy cooperate with
# gevent's monkey-patching; SQLite calls block the worker briefly, as a thread would.
worker_class = "gevent"
worker_connections = _settings.gunicorn_connections
graceful_timeout = _settings.graceful_timeout
timeout = 30
keepalive = 5
# The app logs each request as JSON; gunicorn's own access log would duplicate it.
accesslog = None
errorlog = "-"
# gunicorn 27's control socket lives at one per-user path: several services on one
# host would contend for it, and nothing here uses it.
control_socket_disable = True


def _json_error(sock: socket.socket, status: int, reason: str, message: str) -> None:
    """Requests gunicorn refuses before the app sees them (bad header bytes, a request line or
    header over its limits) get the services' JSON error body instead of gunicorn's HTML page."""
    body = json.dumps({"error": reason.lower().replace(" ", "_"), "message": message or reason, "request_id": None})
    head = f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
    util.write_nonblock(sock, f"{head}Content-Length: {len(body)}\r\n\r\n{body}".encode("latin-1"))


# The workers call util.write_error for these answers; there is no setting for their format.
util.write_error = _json_error


def on_starting(server: Any) -> None:
    # Counters left by a previous run of the master would be summed into ours.
    directory = _settings.prometheus_multiproc_dir
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)


def pre_request(worker: Any, req: Any) -> None:
    # Callers pool keep-alive connections, and a connection stays on the pod it was opened to:
    # a new pod (a canary, a scale-up) got almost none of the other services' traffic. Closing
    # a connection after some requests spreads callers over every ready pod (nginx's
    # keepalive_requests). must_close makes gunicorn answer `Connection: close`, so no caller
    # sends on a connection that is being closed.
    if req.req_number >= _settings.gunicorn_keepalive_requests:
        req.must_close = True


def child_exit(server: Any, worker: Any) -> None:
    if _settings.prometheus_multiproc_dir:
        GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
