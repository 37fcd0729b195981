"""The Grafana dashboards generated from platform_services: structure, coverage, and PromQL that parses."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = yaml.safe_load((ROOT / "roles/grafana/defaults/main.yml").read_text())
SHARED = yaml.safe_load((ROOT / "playbooks/group_vars/all/platform.yml").read_text())


def load_filter() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "grafana_dashboards", ROOT / "roles/grafana/filter_plugins/grafana_dashboards.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dashboards() -> dict[str, dict[str, Any]]:
    return load_filter().grafana_dashboards(
        SHARED["platform_services"],
        SHARED["platform_namespace"],
        DEFAULTS["grafana_datasource_uid"],
        DEFAULTS["grafana_orders_service"],
        DEFAULTS["grafana_orders_endpoint"],
    )


def panels(dashboards: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [panel for board in dashboards.values() for panel in board["panels"]]


def test_every_service_has_a_red_dashboard(dashboards: dict[str, dict[str, Any]]) -> None:
    for service in (s["name"] for s in SHARED["platform_services"]):
        board = dashboards[f"techcommerce-red-{service}.json"]
        exprs = " ".join(t["expr"] for p in board["panels"] for t in p["targets"])
        for needle in (
            "flask_http_request_total",
            'status=~"5.."',
            "histogram_quantile(0.5,",
            "histogram_quantile(0.99,",
        ):
            assert needle in exprs, f"{service}: no {needle}"
        assert f'service="{service}"' in exprs
    assert {"techcommerce-overview.json", "techcommerce-resources.json"} <= dashboards.keys()


def test_overview_and_resources_cover_orders_limits_and_autoscaling(dashboards: dict[str, dict[str, Any]]) -> None:
    overview = " ".join(t["expr"] for p in dashboards["techcommerce-overview.json"]["panels"] for t in p["targets"])
    resources = " ".join(t["expr"] for p in dashboards["techcommerce-resources.json"]["panels"] for t in p["targets"])
    assert DEFAULTS["grafana_orders_endpoint"] in overview
    for needle in (
        "kube_pod_container_resource_requests",
        "kube_pod_container_resource_limits",
        "kube_horizontalpodautoscaler",
    ):
        assert needle in resources


def test_panels_are_complete_and_use_the_provisioned_datasource(dashboards: dict[str, dict[str, Any]]) -> None:
    assert len({board["uid"] for board in dashboards.values()}) == len(dashboards)
    for board in dashboards.values():
        assert [p["id"] for p in board["panels"]] == list(range(1, len(board["panels"]) + 1))
    for panel in panels(dashboards):
        assert panel["datasource"]["uid"] == DEFAULTS["grafana_datasource_uid"]
        assert set(panel["gridPos"]) == {"x", "y", "w", "h"}
        assert panel["targets"], panel["title"]
        assert all(t["expr"] and t["refId"] for t in panel["targets"])


def test_every_query_parses(dashboards: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    """promtool parses PromQL offline when it is a rule; the live values are checked by molecule's verify."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is missing: the prometheus role builds it (scripts/test.sh runs that step)")
    exprs = [t["expr"] for p in panels(dashboards) for t in p["targets"]]
    rules = {
        "groups": [{"name": "dashboards", "rules": [{"record": f"panel:q{i}", "expr": e} for i, e in enumerate(exprs)]}]
    }
    (tmp_path / "queries.yml").write_text(yaml.safe_dump(rules))
    result = subprocess.run(
        [promtool, "check", "rules", "queries.yml"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
