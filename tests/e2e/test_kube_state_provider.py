"""Object state per provider, as playbooks/render.yml renders each inventory: the stand-in only where no registry
serves kube-state-metrics (the local provider); the official image, with its own least RBAC, everywhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.e2e.ansible_run import ROOT, playbook


def objects(tmp_path: Path, inventory: str) -> dict[str, dict]:
    run = playbook(ROOT / "playbooks/render.yml", "-e", f"render_dir={tmp_path}", inventory=f"inventories/{inventory}")
    assert run.rc == 0, run.output[-3000:]
    documents = yaml.safe_load_all((tmp_path / "prometheus.yaml").read_text())
    return {f"{o['kind']}/{o['metadata'].get('namespace', '')}/{o['metadata']['name']}": o for o in documents}


def test_the_local_provider_runs_the_stand_in_beside_prometheus(tmp_path: Path) -> None:
    found = objects(tmp_path, "local")
    containers = found["Deployment/monitoring/prometheus"]["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["prometheus", "kube-state"]
    assert not [name for name in found if "kube-state-metrics" in name]


@pytest.mark.parametrize("inventory", ["staging", "production"])
def test_other_providers_run_the_official_kube_state_metrics_with_least_rbac(tmp_path: Path, inventory: str) -> None:
    found = objects(tmp_path, inventory)
    containers = found["Deployment/monitoring/prometheus"]["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["prometheus"]
    ksm = found["Deployment/monitoring/kube-state-metrics"]["spec"]["template"]["spec"]
    assert ksm["containers"][0]["image"].startswith("registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.")
    assert ksm["serviceAccountName"] == "kube-state-metrics"
    roles = {name: o for name, o in found.items() if name.startswith("Role/")}
    # Prometheus watches pods only; kube-state-metrics lists and watches the workloads, and nothing is written.
    for name, role in roles.items():
        verbs = {verb for rule in role["rules"] for verb in rule["verbs"]}
        assert verbs <= {"get", "list", "watch"}, name
        resources = {r for rule in role["rules"] for r in rule["resources"]}
        expected = (
            {"pods"}
            if "techcommerce-monitoring" in name
            else {"pods", "deployments", "statefulsets", "horizontalpodautoscalers"}
        )
        assert resources == expected, name
    assert any("kube-state-metrics" in name for name in roles)
