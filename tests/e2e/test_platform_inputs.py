"""A wrong entry in platform_services stops the platform playbook before it changes anything,
with a message that names the entry and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.e2e.ansible_run import ROOT, playbook

SERVICES = yaml.safe_load((ROOT / "playbooks/group_vars/all/platform.yml").read_text())["platform_services"]


def with_change(name: str, **fields: object) -> list[dict]:
    return [{**s, **fields} if s["name"] == name else s for s in SERVICES]


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (with_change("product-api", replicas="two"), "platform_services[product-api]: replicas must be a whole number"),
        (
            with_change("order-api", calls=["product-api", "payments"]),
            "platform_services[order-api].calls names ['payments']",
        ),
        (with_change("product-api", hpa={"min": 5, "max": 3, "cpu_percent": 70}), "platform_services[product-api].hpa"),
        (with_change("frontend", expose={"node_port": 80}), "expose.node_port 30000-32767"),
        (with_change("order-api", database="Orders-DB"), "platform_services[order-api].database"),
        ([*SERVICES, {"name": "Payments_API"}], "every entry needs a unique `name` that is a DNS label"),
    ],
    ids=["replicas-two", "unknown-call", "hpa-max-below-min", "node-port-range", "database-name", "bad-name"],
)
def test_bad_service_entries_stop_before_any_change(tmp_path: Path, services: list[dict], expected: str) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"platform_services": services}))
    run = playbook(ROOT / "playbooks/platform.yml", "-e", f"@{extra}")
    assert run.rc != 0
    assert expected in run.output, run.output[-3000:]
    # The preflight is the first thing the platform role does: nothing reached the cluster.
    assert "Apply the namespace" not in run.output
    assert run.changed == 0


def test_a_database_without_a_password_in_the_vault_stops_before_any_change(tmp_path: Path) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"vault_database_passwords": {"products": "p" * 32}}))
    run = playbook(ROOT / "playbooks/platform.yml", "-e", f"@{extra}")
    assert run.rc != 0
    assert "lacks passwords" in run.output and "'orders'" in run.output, run.output[-3000:]
    assert "p" * 32 not in run.output
    assert "Apply the namespace" not in run.output
    assert run.changed == 0
