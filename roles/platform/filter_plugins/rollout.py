"""Which Deployments have not finished rolling out, judged as `kubectl rollout status` does."""

from __future__ import annotations

from typing import Any


def rollout_pending(deployments: list[dict[str, Any]], names: list[str]) -> list[str]:
    """The names (of those wanted) whose Deployment is missing or still rolling out.

    Done means: the controller has seen the newest spec, and every replica runs it and is
    available, with no pod of an older revision left.
    """
    by_name = {d["metadata"]["name"]: d for d in deployments}
    pending = []
    for name in names:
        deployment = by_name.get(name)
        if deployment is None:
            pending.append(name)
            continue
        status = deployment.get("status", {})
        wanted = deployment["spec"].get("replicas", 1)
        done = (
            status.get("observedGeneration", 0) >= deployment["metadata"]["generation"]
            and status.get("updatedReplicas", 0) == wanted
            and status.get("replicas", 0) == wanted
            and status.get("availableReplicas", 0) == wanted
        )
        if not done:
            pending.append(name)
    return pending


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"rollout_pending": rollout_pending}
