"""The platform's rollout check agrees with `kubectl rollout status` on the cases that matter."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location(
    "rollout", Path(__file__).resolve().parents[2] / "roles/platform/filter_plugins/rollout.py"
)
assert _spec and _spec.loader
rollout = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rollout)


def deployment(name: str, generation: int = 2, **status: int) -> dict[str, Any]:
    """A Deployment of 2 replicas, rolled out unless `status` says otherwise."""
    done = {"observedGeneration": generation, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2}
    return {"metadata": {"name": name, "generation": generation}, "spec": {"replicas": 2}, "status": done | status}


def test_finished_rollouts_are_not_pending() -> None:
    assert rollout.rollout_pending([deployment("a"), deployment("b")], ["a", "b"]) == []


def test_a_spec_the_controller_has_not_seen_yet_is_pending() -> None:
    # Right after an apply the status still describes the previous generation.
    assert rollout.rollout_pending([deployment("a", observedGeneration=1)], ["a"]) == ["a"]


def test_old_pods_left_or_new_ones_unavailable_are_pending() -> None:
    surging = deployment("a", replicas=3)
    unavailable = deployment("b", availableReplicas=1)
    assert rollout.rollout_pending([surging, unavailable], ["a", "b"]) == ["a", "b"]


def test_a_missing_deployment_is_pending_and_unlisted_ones_are_ignored() -> None:
    assert rollout.rollout_pending([deployment("retired", availableReplicas=0)], ["a"]) == ["a"]
