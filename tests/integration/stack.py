"""The three services as real gunicorn processes on loopback ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:techcommerce_common.gunicorn_conf"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Service:
    # A service package (served as <module>.wsgi:app) or any gunicorn "module:app" target.
    module: str
    workdir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / f"{self.module.split(':')[0]}.log"

    def start(self) -> None:
        self.launch()
        self.wait_healthy()

    def launch(self) -> None:
        """Start gunicorn without waiting for it: several services start side by side."""
        env = {
            **os.environ,
            **self.env,
            "PORT": str(self.port),
            "GUNICORN_WORKERS": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(self.log.with_suffix(".metrics")),
            "DATA_DIR": str(self.workdir),
        }
        target = self.module if ":" in self.module else f"{self.module}.wsgi:app"
        with self.log.open("ab") as log:
            # Its own process group: kill() takes the workers down with the master, as a pod's end does.
            self.process = subprocess.Popen(
                [*GUNICORN, target], env=env, stdout=log, stderr=log, start_new_session=True
            )

    def wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process and self.process.poll() is None, f"{self.module} exited:\n{self.log.read_text()}"
            try:
                if requests.get(f"{self.url}/health", timeout=1).ok:
                    return
            # A worker still starting leaves a connection unanswered: a timeout, not an error.
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        raise TimeoutError(f"{self.module} not healthy after {timeout}s:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL to master and workers at once. A killed master alone left its gevent workers
        serving their open keep-alive connections for seconds, until they noticed."""
        assert self.process
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        # The kernel closes the listening socket once the last worker holding it is gone.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    time.sleep(0.05)
            except OSError:
                return
        raise TimeoutError(f"{self.module} still accepts connections after SIGKILL")

    def terminate(self) -> None:
        """SIGTERM without waiting: services stopping side by side each take their second or more."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        self.terminate()
        if self.process:
            self.process.wait(timeout=30)
