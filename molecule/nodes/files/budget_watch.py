"""Watch the PodDisruptionBudgets of a namespace until a stop file appears.

  python budget_watch.py NAMESPACE --stop-file F

Prints JSON: per budget, the smallest margin seen between its healthy pods and the number it must keep
(status.currentHealthy - status.desiredHealthy; below 0 means a disruption took a service below its budget),
and how many times it was sampled.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kubernetes import client, config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("namespace")
    parser.add_argument("--stop-file", required=True, type=Path)
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args()
    config.load_kube_config()
    policy = client.PolicyV1Api()
    margins: dict[str, int] = {}
    samples = 0
    start = time.monotonic()
    while not args.stop_file.exists() and time.monotonic() - start < args.max_seconds:
        for budget in policy.list_namespaced_pod_disruption_budget(args.namespace).items:
            margin = (budget.status.current_healthy or 0) - (budget.status.desired_healthy or 0)
            name = budget.metadata.name
            margins[name] = min(margin, margins.get(name, margin))
        samples += 1
        time.sleep(0.5)
    print(json.dumps({"min_margin": margins, "samples": samples}))


if __name__ == "__main__":
    main()
