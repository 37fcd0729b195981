"""The minikube role's install path and input checks; starting minikube needs a VM or nested
containers, which the CI machine does not have (README: what is and is not exercised here)."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from tests.e2e.ansible_run import playbook

PLAYBOOK = Path(__file__).with_name("minikube_role.yml")
INSTALL = ["--tags", "minikube_preflight,minikube_install"]
# Served in place of the release binary: a program that answers `version --short` like minikube.
STAND_IN = b"#!/bin/sh\necho v1.37.0\n"


@pytest.fixture
def release_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "minikube").write_bytes(STAND_IN)
    (site / "minikube.sha256").write_text(hashlib.sha256(STAND_IN).hexdigest() + "\n")
    (site / "wrong.sha256").write_text("0" * 64 + "\n")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", tmp_path
    server.shutdown()


def test_install_is_checksum_verified_and_idempotent(release_server: tuple[str, Path]) -> None:
    url, tmp = release_server
    target = tmp / "bin/minikube"
    target.parent.mkdir()
    args = [*INSTALL, "-e", f"minikube_download_url={url}/minikube", "-e", f"minikube_install_path={target}"]
    first = playbook(PLAYBOOK, *args, inventory="inventories/staging")
    assert first.rc == 0, first.output[-3000:]
    assert target.read_bytes() == STAND_IN
    assert target.stat().st_mode & 0o111
    again = playbook(PLAYBOOK, *args, inventory="inventories/staging")
    assert (again.rc, again.changed) == (0, 0), again.output[-3000:]


def test_a_wrong_checksum_fails_and_installs_nothing(release_server: tuple[str, Path]) -> None:
    url, tmp = release_server
    target = tmp / "minikube"
    run = playbook(
        PLAYBOOK,
        *INSTALL,
        "-e",
        f"minikube_download_url={url}/minikube",
        "-e",
        f"minikube_checksum_url={url}/wrong.sha256",
        "-e",
        f"minikube_install_path={target}",
        inventory="inventories/staging",
    )
    assert run.rc != 0
    assert "checksum" in run.output.lower()
    assert not target.exists()


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ("minikube_cpus=1", "minikube_cpus"),
        ("minikube_driver=hyperv9", "minikube_driver"),
        ("minikube_kubernetes_version=1.34", "minikube_kubernetes_version"),
        ("minikube_memory_mb=lots", "minikube_memory_mb"),
    ],
)
def test_bad_settings_stop_before_any_change(tmp_path: Path, extra: str, named: str) -> None:
    target = tmp_path / "minikube"
    run = playbook(
        PLAYBOOK, *INSTALL, "-e", extra, "-e", f"minikube_install_path={target}", inventory="inventories/staging"
    )
    assert run.rc != 0
    assert named in run.output
    assert not target.exists()
