"""A wrong node request or worker setting is refused with its name and value, before anything changes."""

from __future__ import annotations

import pytest

from tests.e2e.ansible_run import ROOT, playbook


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["-e", "node=vm-worker1", "-e", "node_action=reboot"],
            'node_action=cordon, drain, uncordon, add or remove (got "reboot")',
        ),
        (["-e", "node=$(reboot)", "-e", "node_action=drain"], 'give -e node=<node name> (got "$(reboot)")'),
        (
            ["-e", "node=vm", "-e", "node_action=drain", "-e", "node_drain_timeout=0"],
            "node_drain_timeout is seconds, more than 0",
        ),
        (["-e", "node=vm", "-e", "node_action=remove"], "add and remove are for the local provider's workers"),
    ],
    ids=["unknown-action", "bad-name", "no-timeout", "remove-the-first-node"],
)
def test_a_bad_node_request_is_refused(args: list[str], expected: str) -> None:
    run = playbook(ROOT / "playbooks/node.yml", *args)
    assert run.rc != 0, run.output[-3000:]
    assert expected in run.output, run.output[-3000:]
    assert run.changed == 0


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("local_cluster_nodes=-1", "local_cluster_nodes must be a count of workers, 0 or more (got '-1')"),
        ("local_cluster_nodes_cidr=10.245.0.7/24", "local_cluster_nodes_cidr ('10.245.0.7/24') a network"),
        ("local_cluster_cluster_cidr=10.200.0.0/16", "local_cluster_cluster_cidr ('10.200.0.0/16') must be a network"),
        ("local_cluster_node_monitor_grace_period=soon", "a duration like 20s (got 'soon')"),
    ],
    ids=["negative-count", "address-not-network", "pod-network-outside", "bad-duration"],
)
def test_a_bad_worker_setting_is_refused(setting: str, expected: str) -> None:
    run = playbook(ROOT / "playbooks/cluster.yml", "-e", setting)
    assert run.rc != 0, run.output[-3000:]
    assert expected in run.output, run.output[-3000:]
    assert run.changed == 0
