"""The control plane with many nodes, simulated by KWOK: scheduling, spread and a zone loss at 10, 100 and 500 nodes.

KWOK (sigs.k8s.io/kwok v0.8.0, built from the Go module proxy into ~/.cache/techcommerce/go/kwok/ when missing)
runs beside the local cluster and plays the kubelet of the Node objects this script creates: annotated
kwok.x-k8s.io/node=fake, tainted so only pods that tolerate it land there, spread over three zones. Their
addresses are loopback ones (node 127.0.0.1, pods 127.1.0.0/16): whatever tries to reach a simulated node or pod
(the API server's node proxy, metrics-server) stays on this machine. For each count
the shop's Deployments (read from the running shop: the objects site.yml applied) are copied into namespace
kwok-scale, with product-api at its autoscaler's maximum and a bulk copy of two pods per node, all kept on the
simulated nodes. It times how long until every pod is scheduled and running, checks product-api's replicas landed
on different nodes, then loses a zone and times until every Deployment is whole again on the other zones. The zone
is lost as a cloud loses one: its Node objects are deleted (their pods are then collected as orphans and replaced).
A zone whose nodes only stop answering is not evicted at the usual rate: the node lifecycle controller treats a
wholly unhealthy zone as a possible partition (--unhealthy-zone-threshold) and, in a cluster of fewer than
--large-cluster-size-threshold nodes, evicts nothing. The API server's and etcd's resident memory are read after
each step.

usage: PATH=/usr/local/go/bin:$PATH .venv/bin/python benchmarks/kwok_scale.py [COUNTS]
  COUNTS e.g. 10,100,500 (the default); needs the local cluster (make up) and Go to build kwok the first time
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kubernetes import client, config
from kubernetes.client.rest import ApiException

ROOT = Path(__file__).resolve().parents[1]
VERSION = "v0.8.0"
KWOK = Path.home() / f".cache/techcommerce/go/kwok/{VERSION}/kwok"
SHOP = "techcommerce"
NAMESPACE = "kwok-scale"
FAKE = "kwok.x-k8s.io/node"
ZONES = ["zone-a", "zone-b", "zone-c"]
TIMEOUT = 300.0
LOG = Path.home() / ".cache/techcommerce/logs/kwok.log"
# The running kwok: every wait stops when it has exited.
CONTROLLER: list[subprocess.Popen] = []


# KWOK's own stage files (from its module): nodes become Ready and keep their leases, pods become Running.
STAGES = [
    "kustomize/stage/node/fast/node-initialize.yaml",
    "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "kustomize/stage/pod/fast/pod-ready.yaml",
    "kustomize/stage/pod/fast/pod-complete.yaml",
    "kustomize/stage/pod/fast/pod-delete.yaml",
]


def ensure_kwok() -> list[Path]:
    """The kwok binary and its stage files, built and copied once into the cache."""
    if not KWOK.exists():
        print(f"building kwok {VERSION} from the Go module proxy (a few minutes, once)", flush=True)
        subprocess.run(
            [str(ROOT / "roles/go_build/files/build-go-tool.sh"), "sigs.k8s.io/kwok/cmd/kwok", VERSION, str(KWOK)],
            check=True,
        )
    stages = [KWOK.parent / Path(stage).name for stage in STAGES]
    if not all(stage.exists() for stage in stages):
        module = subprocess.run(
            ["go", "mod", "download", "-json", f"sigs.k8s.io/kwok@{VERSION}"],
            capture_output=True,
            text=True,
            check=True,
        )
        source = Path(json.loads(module.stdout)["Dir"])
        for stage, target in zip(STAGES, stages, strict=True):
            target.write_text((source / stage).read_text())
    return stages


def rss_mib(pattern: str) -> float:
    pid = subprocess.run(["pgrep", "-o", "-f", pattern], capture_output=True, text=True, check=True).stdout.split()[0]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pattern}")


def memory() -> tuple[float, float]:
    return rss_mib("bin/kube-apiserver "), rss_mib("bin/etcd ")


def wait(what: str, done: Callable[[], object], timeout: float = TIMEOUT) -> float:
    """Seconds until done() is true; says what it waits for every 10 s."""
    start = last = time.monotonic()
    while not done():
        if any(kwok.poll() is not None for kwok in CONTROLLER):
            raise RuntimeError(f"kwok exited; see {LOG}")
        now = time.monotonic()
        if now - start > timeout:
            raise TimeoutError(f"{what}: not done after {timeout:.0f} s")
        if now - last >= 10:
            print(f"  ... waiting for {what} ({now - start:.0f} s)", flush=True)
            last = now
        time.sleep(0.5)
    return time.monotonic() - start


def node(name: str, zone: str) -> dict:
    return {
        "metadata": {
            "name": name,
            "annotations": {FAKE: "fake", "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "type": "kwok",
                "topology.kubernetes.io/zone": zone,
            },
        },
        "spec": {"taints": [{"key": FAKE, "value": "fake", "effect": "NoSchedule"}]},
        "status": {"allocatable": {"cpu": "32", "memory": "256Gi", "pods": "110"}},
    }


def ready(n: client.V1Node) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in n.status.conditions or [])


def ready_nodes(core: client.CoreV1Api) -> int:
    return sum(map(ready, core.list_node(label_selector="type=kwok").items))


def deployments(apps: client.AppsV1Api, count: int) -> list[dict]:
    """The shop's Deployments as they run, each kept on the simulated nodes; product-api at its autoscaler's
    maximum; and `bulk`, product-api's pods two per node, for the scheduler's throughput."""
    hpa = client.AutoscalingV2Api().read_namespaced_horizontal_pod_autoscaler("product-api", SHOP)
    out = []
    for d in apps.list_namespaced_deployment(SHOP).items:
        body = client.ApiClient().sanitize_for_serialization(d)
        spec = body["spec"]
        spec["replicas"] = hpa.spec.max_replicas if d.metadata.name == "product-api" else d.spec.replicas
        pod = spec["template"]["spec"]
        pod["nodeSelector"] = {"type": "kwok"}
        pod["tolerations"] = [*pod.get("tolerations", []), {"key": FAKE, "operator": "Exists", "effect": "NoSchedule"}]
        # The shop's ServiceAccounts are not copied: the namespace's default one serves.
        pod.pop("serviceAccountName", None)
        pod.pop("serviceAccount", None)
        out.append({"metadata": {"name": d.metadata.name, "labels": d.metadata.labels}, "spec": spec})
        if d.metadata.name == "product-api":
            bulk = copy.deepcopy(out[-1])
            bulk["metadata"]["name"] = "bulk"
            bulk["spec"]["replicas"] = 2 * count
            for labels in (bulk["spec"]["selector"]["matchLabels"], bulk["spec"]["template"]["metadata"]["labels"]):
                labels["app.kubernetes.io/name"] = "bulk"
            for constraint in bulk["spec"]["template"]["spec"].get("topologySpreadConstraints", []):
                constraint["labelSelector"]["matchLabels"]["app.kubernetes.io/name"] = "bulk"
            out.append(bulk)
    return out


def whole(core: client.CoreV1Api, wanted: dict[str, int], lost: set[str]) -> bool:
    running: dict[str, int] = {}
    for p in core.list_namespaced_pod(NAMESPACE).items:
        if p.status.phase == "Running" and p.metadata.deletion_timestamp is None and p.spec.node_name not in lost:
            name = p.metadata.labels["app.kubernetes.io/name"]
            running[name] = running.get(name, 0) + 1
    return all(running.get(name, 0) >= n for name, n in wanted.items())


def clean(core: client.CoreV1Api) -> None:
    """Pods on lost nodes have no kubelet to end them: they are deleted at once, then the namespace and nodes."""
    for p in core.list_namespaced_pod(NAMESPACE).items:
        core.delete_namespaced_pod(p.metadata.name, NAMESPACE, grace_period_seconds=0)
    try:
        core.delete_namespace(NAMESPACE)
    except ApiException as exc:
        if exc.status != 404:
            raise
    wait("the namespace to go", lambda: not core.list_namespace(field_selector=f"metadata.name={NAMESPACE}").items)
    core.delete_collection_node(label_selector="type=kwok")
    wait("the simulated nodes to go", lambda: not core.list_node(label_selector="type=kwok").items)


def run(count: int, core: client.CoreV1Api, apps: client.AppsV1Api) -> list[str]:
    print(f"{count} simulated nodes", flush=True)
    for i in range(count):
        core.create_node(node(f"kwok-{i:04d}", ZONES[i % len(ZONES)]))
        if (i + 1) % 100 == 0:
            print(f"  {i + 1} nodes created", flush=True)
    nodes_s = wait(f"{count} nodes to be Ready", lambda: ready_nodes(core) == count)
    api_nodes, etcd_nodes = memory()

    core.create_namespace({"metadata": {"name": NAMESPACE}})
    # Pods are refused until the controller manager has made the namespace's default ServiceAccount.
    wait("the namespace's default ServiceAccount", lambda: core.list_namespaced_service_account(NAMESPACE).items)
    wanted = {}
    start = time.monotonic()
    for body in deployments(apps, count):
        apps.create_namespaced_deployment(NAMESPACE, body)
        wanted[body["metadata"]["name"]] = body["spec"]["replicas"]
    pods = sum(wanted.values())
    wait(f"{pods} pods to be running", lambda: whole(core, wanted, set()))
    scheduled_s = time.monotonic() - start
    api_pods, etcd_pods = memory()

    api_pods_on = [
        p.spec.node_name
        for p in core.list_namespaced_pod(NAMESPACE, label_selector="app.kubernetes.io/name=product-api").items
    ]
    spread = f"{len(set(api_pods_on))}/{len(api_pods_on)}"

    lost = {n.metadata.name for n in core.list_node(label_selector="topology.kubernetes.io/zone=zone-a").items}
    for name in lost:
        core.delete_node(name)
    zone_s = wait("every Deployment to be whole again without zone-a", lambda: whole(core, wanted, lost))
    return [
        str(count),
        str(pods),
        f"{nodes_s:.1f}",
        f"{scheduled_s:.1f}",
        f"{pods / scheduled_s:.0f}",
        spread,
        f"{zone_s:.1f}",
        f"{api_nodes:.0f} / {api_pods:.0f}",
        f"{etcd_nodes:.0f} / {etcd_pods:.0f}",
    ]


def main() -> None:
    counts = [int(c) for c in (sys.argv[1] if len(sys.argv) > 1 else "10,100,500").split(",")]
    stages = ensure_kwok()
    config.load_kube_config()
    core, apps = client.CoreV1Api(), client.AppsV1Api()
    api_base, etcd_base = memory()
    rows = []
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with LOG.open("w") as log:
        controller = subprocess.Popen(
            [
                str(KWOK),
                f"--kubeconfig={Path.home() / '.kube/config'}",
                "--manage-all-nodes=false",
                f"--manage-nodes-with-annotation-selector={FAKE}=fake",
                "--manage-nodes-with-label-selector=",
                "--manage-single-node=",
                "--cidr=127.1.0.0/16",
                "--node-ip=127.0.0.1",
                "--node-lease-duration-seconds=20",
                *(f"--config={stage}" for stage in stages),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        CONTROLLER.append(controller)
        try:
            for count in counts:
                try:
                    rows.append(run(count, core, apps))
                finally:
                    clean(core)
        finally:
            controller.terminate()
            controller.wait(30)
    print(f"\nat rest: API server {api_base:.0f} MiB, etcd {etcd_base:.0f} MiB resident\n")
    header = [
        "nodes",
        "pods",
        "nodes Ready (s)",
        "pods scheduled and running (s)",
        "pods/s",
        "product-api nodes/replicas",
        "zone-a lost: whole again (s)",
        "API server MiB (nodes / +pods)",
        "etcd MiB (nodes / +pods)",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
