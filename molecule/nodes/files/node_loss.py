"""Cut a worker of the local cluster off as a dead machine would be, and time what Kubernetes does about it.

  python node_loss.py NODE --veth V --programs P1,P2,... --supervisorctl CMD --conf F --namespace NS

Its link goes down and its processes stop (kubelet, kube-proxy, containerd; the pods' containers keep running,
cut off). Prints JSON: seconds from the cut until the node is NotReady, until its pods were evicted, and until every
Deployment of NS had its replicas Ready on the other nodes again. Exits 1 when that takes more than --timeout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from kubernetes import client, config


def ready(conditions: list | None) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in conditions or [])


def replaced(apps: client.AppsV1Api, core: client.CoreV1Api, namespace: str, lost: str) -> bool:
    """Every Deployment has its replicas Ready on nodes other than the lost one."""
    pods = core.list_namespaced_pod(namespace).items
    for deployment in apps.list_namespaced_deployment(namespace).items:
        selector = deployment.spec.selector.match_labels
        serving = [
            p
            for p in pods
            if selector.items() <= (p.metadata.labels or {}).items()
            and p.spec.node_name != lost
            and p.metadata.deletion_timestamp is None
            and ready(p.status.conditions)
        ]
        if len(serving) < (deployment.spec.replicas or 0):
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("node")
    parser.add_argument("--veth", required=True)
    parser.add_argument("--programs", required=True)
    parser.add_argument("--supervisorctl", required=True)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    config.load_kube_config()
    core, apps = client.CoreV1Api(), client.AppsV1Api()

    start = time.monotonic()
    subprocess.run(["ip", "link", "set", args.veth, "down"], check=True)
    subprocess.run([args.supervisorctl, "-c", args.conf, "stop", *args.programs.split(",")], check=True)
    print(f"{args.node} cut off: link {args.veth} down, {args.programs} stopped", file=sys.stderr)

    times: dict[str, float | None] = {"not_ready": None, "evicted": None, "replaced": None}
    while time.monotonic() - start < args.timeout and times["replaced"] is None:
        now = round(time.monotonic() - start, 1)
        if times["not_ready"] is None and not ready(core.read_node(args.node).status.conditions):
            times["not_ready"] = now
            print(f"{now} s: {args.node} is NotReady", file=sys.stderr)
        if times["not_ready"] is not None and times["evicted"] is None:
            on_node = core.list_namespaced_pod(args.namespace, field_selector=f"spec.nodeName={args.node}").items
            if all(p.metadata.deletion_timestamp is not None for p in on_node):
                times["evicted"] = now
                print(f"{now} s: its pods were evicted", file=sys.stderr)
        if times["evicted"] is not None and replaced(apps, core, args.namespace, args.node):
            times["replaced"] = now
            print(f"{now} s: every Deployment is Ready again on the other nodes", file=sys.stderr)
        time.sleep(0.5)
    print(json.dumps({f"{k}_s": v for k, v in times.items()}))
    return 0 if times["replaced"] is not None else 1


if __name__ == "__main__":
    sys.exit(main())
