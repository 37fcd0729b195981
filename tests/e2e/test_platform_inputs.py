"""A wrong inventory value stops site.yml (and the platform and release playbooks) before any stage
changes anything, with a message that names the entry, the field and the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.e2e.ansible_run import ROOT, playbook

SERVICES = yaml.safe_load((ROOT / "playbooks/group_vars/all/platform.yml").read_text())["platform_services"]


def with_change(name: str, **fields: object) -> list[dict]:
    return [{**s, **fields} if s["name"] == name else s for s in SERVICES]


def refused(tmp_path: Path, extra_vars: dict, path: str = "site.yml") -> str:
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(extra_vars))
    run = playbook(ROOT / path, "-e", f"@{extra}")
    assert run.rc != 0, run.output[-3000:]
    # The preflight is the first play: no stage after it started.
    assert "PLAY [Cluster]" not in run.output and "Apply the namespace" not in run.output, run.output[-3000:]
    assert run.changed == 0
    return run.output


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (
            with_change("product-api", resources={"requests": {"cpu": "lots"}}),
            "platform_services[product-api].resources.requests.cpu: 'lots' is not a quantity",
        ),
        (
            with_change("order-api", env={"UPSTREAM TIMEOUT": "2"}),
            "platform_services[order-api].env: 'UPSTREAM TIMEOUT' is not a valid environment variable name",
        ),
        (
            with_change("order-api", calls=["product-api", "payments"]),
            "platform_services[order-api].calls: 'payments' is not a service of the platform",
        ),
        (
            with_change("product-api", hpa={"min": 5, "max": 3, "cpu_percent": 70}),
            "platform_services[product-api].hpa: needs 1 <= min <= max",
        ),
        (
            with_change("order-api", expose={"node_port": 30000}),
            "platform_services: expose.node_port 30000 is taken by two entries",
        ),
        (with_change("product-api", replicas="two"), "argument 'replicas' is of type str"),
        (with_change("order-api", database="Orders-DB"), "platform_services[order-api].database: 'Orders-DB'"),
        ([*SERVICES, {"name": "Payments_API"}], "platform_services: name 'Payments_API' is not a DNS label"),
        (with_change("frontend", exposed={"node_port": 30001}), "platform_services.exposed"),
        ("product-api", "Elements value for option 'platform_services' is of type str"),
    ],
    ids=[
        "quantity",
        "env-name-space",
        "unknown-call",
        "hpa-max-below-min",
        "node-port-taken",
        "replicas-two",
        "database-name",
        "bad-name",
        "unknown-field",
        "not-a-list",
    ],
)
def test_bad_service_entries_stop_before_any_change(tmp_path: Path, services: object, expected: str) -> None:
    output = refused(tmp_path, {"platform_services": services})
    assert expected in output, output[-3000:]


def test_a_bad_namespace_stops_before_any_change(tmp_path: Path) -> None:
    output = refused(tmp_path, {"platform_namespace": "Bad Namespace!"})
    assert "platform_namespace: 'Bad Namespace!' is not a DNS label" in output, output[-3000:]


@pytest.mark.parametrize("path", ["playbooks/platform.yml", "playbooks/deploy.yml"])
def test_the_platform_and_release_playbooks_check_first_too(tmp_path: Path, path: str) -> None:
    services = with_change("product-api", resources={"limits": {"memory": "much"}})
    output = refused(tmp_path, {"platform_services": services}, path)
    assert "platform_services[product-api].resources.limits.memory: 'much' is not a quantity" in output
    assert "Backup" not in output and "Resolve the image references" not in output


def test_a_database_without_a_password_in_the_vault_stops_before_any_change(tmp_path: Path) -> None:
    output = refused(tmp_path, {"vault_database_passwords": {"products": "p" * 32}})
    assert "lacks passwords" in output and "'orders'" in output, output[-3000:]
    assert "p" * 32 not in output


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"platform_node_loss_toleration_seconds": -5},
            "platform_node_loss_toleration_seconds must be 0 or more seconds (got -5)",
        ),
        (
            {"platform_spread_topology_key": "zone name!"},
            'platform_spread_topology_key a node label key (got "zone name!")',
        ),
        (
            {"platform_database_node_selector": "first-node"},
            "argument 'platform_database_node_selector' is of type str and we were unable to convert to dict",
        ),
    ],
    ids=["negative-toleration", "bad-label-key", "selector-not-a-mapping"],
)
def test_a_bad_node_placement_setting_stops_before_any_change(tmp_path: Path, settings: dict, expected: str) -> None:
    output = refused(tmp_path, settings)
    assert expected in output, output[-3000:]
