"""gunicorn settings shared by every service; each value comes from the environment.

Run a service as: gunicorn -c python:techcommerce_common.gunicorn_conf <package>.wsgi:app
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .settings import load_settings


class GunicornSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    port: int = Field(default=5000, ge=1, le=65535)
    gunicorn_workers: int = Field(default=2, ge=1, le=64)
    gunicorn_threads: int = Field(default=4, ge=1, le=64)
    # Time in-flight requests get to finish after SIGTERM; keep it below the
    # pod's terminationGracePeriodSeconds.
    graceful_timeout: int = Field(default=20, ge=1, le=600)
    prometheus_multiproc_dir: Path | None = None


_settings = load_settings(GunicornSettings)

bind = f"0.0.0.0:{_settings.port}"
workers = _settings.gunicorn_workers
threads = _settings.gunicorn_threads
worker_class = "gthread"
graceful_timeout = _settings.graceful_timeout
timeout = 30
keepalive = 5
# The app logs each request as JSON; gunicorn's own access log would duplicate it.
accesslog = None
errorlog = "-"
# gunicorn 27's control socket lives at one per-user path: several services on one
# host would contend for it, and nothing here uses it.
control_socket_disable = True


def on_starting(server: Any) -> None:
    # Counters left by a previous run of the master would be summed into ours.
    directory = _settings.prometheus_multiproc_dir
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if _settings.prometheus_multiproc_dir:
        GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
