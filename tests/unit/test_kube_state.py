"""The kube-state-metrics stand-in's pure parts: Kubernetes quantities, and an exposition promtool accepts."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "roles/prometheus/files/kube_state.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kube_state", SOURCE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("text", "value"),
    [("500m", 0.5), ("2", 2.0), ("128Mi", 134217728.0), ("1Gi", 1073741824.0), ("1.5", 1.5), ("100k", 1e5)],
)
def test_quantities(text: str, value: float) -> None:
    assert load().quantity(text) == value


def test_exposition_passes_promtool() -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is missing: the prometheus role builds it (scripts/test.sh runs that step)")
    text = load().exposition(
        [
            ("kube_deployment_spec_replicas", {"namespace": "shop", "deployment": "frontend"}, 2),
            ("kube_pod_container_status_restarts_total", {"namespace": "shop", "pod": "o1", "container": "c"}, 3),
            (
                "kube_pod_container_status_waiting_reason",
                {"namespace": "shop", "pod": 'o"1', "reason": "Crash\\Loop"},
                1,
            ),
            ("kube_deployment_spec_replicas", {"namespace": "shop", "deployment": "order-api"}, 1),
        ]
    )
    # One HELP/TYPE per metric, even when its samples are not adjacent in the input.
    assert text.count("# TYPE kube_deployment_spec_replicas gauge") == 1
    assert "# TYPE kube_pod_container_status_restarts_total counter" in text
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
