"""No-op re-runs of the playbooks vs `kubectl apply --server-side` + `kubectl rollout status`
of the same objects, side by side in one run (the platform must already be deployed), with
ansible-playbook's own floor (an empty play) for scale.

Run: .venv/bin/python benchmarks/platform_apply.py   (env: BENCH_ROUNDS, default 3)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
NAMESPACE = "techcommerce"
KINDS = ",".join(
    (
        "configmap",
        "secret",
        "serviceaccount",
        "deployment",
        "service",
        "horizontalpodautoscaler",
        "poddisruptionbudget",
        "networkpolicy",
        "statefulset",
    )
)
# Fields the server owns; an apply must not send them back.
SERVER_FIELDS = ("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields")


def run(*argv: str) -> float:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def export_objects(path: Path) -> list[str]:
    """The platform's objects as they are applied, with server-owned fields removed."""
    selector = "app.kubernetes.io/managed-by=ansible"
    raw = subprocess.run(
        [BIN / "kubectl", "get", KINDS, "-n", NAMESPACE, "-l", selector, "-o", "yaml"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    items = yaml.safe_load(raw)["items"]
    for item in items:
        item.pop("status", None)
        for field in SERVER_FIELDS:
            item["metadata"].pop(field, None)
        item["metadata"].get("annotations", {}).pop("kubectl.kubernetes.io/last-applied-configuration", None)
        if item["kind"] == "Service":
            for key in ("clusterIP", "clusterIPs"):
                item["spec"].pop(key, None)
    path.write_text(yaml.safe_dump_all(items))
    return [i["metadata"]["name"] for i in items if i["kind"] == "Deployment"]


def main() -> None:
    objects = Path(tempfile.mkdtemp(prefix="bench-")) / "objects.yaml"
    deployments = export_objects(objects)
    kubectl = str(BIN / "kubectl")

    def kubectl_apply() -> float:
        took = run(
            kubectl, "apply", "--server-side", "--force-conflicts", "--field-manager=benchmark", "-f", str(objects)
        )
        for name in deployments:
            took += run(kubectl, "rollout", "status", f"deployment/{name}", "-n", NAMESPACE, "--timeout=120s")
        return took

    # The floor: what ansible-playbook costs before any task (start-up, inventory, one play).
    empty = Path(objects.parent, "empty.yml")
    empty.write_text("- {hosts: localhost, gather_facts: false, tasks: []}\n")
    variants = {
        "kubectl apply --server-side + rollout status": kubectl_apply,
        "ansible-playbook, an empty play (floor)": lambda: run(str(BIN / "ansible-playbook"), str(empty)),
        "ansible-playbook playbooks/platform.yml": lambda: run(str(BIN / "ansible-playbook"), "playbooks/platform.yml"),
        "ansible-playbook site.yml": lambda: run(str(BIN / "ansible-playbook"), "site.yml"),
    }
    print(
        f"{len(objects.read_text().split('---'))} objects, {len(deployments)} Deployments, {ROUNDS} rounds", flush=True
    )
    times: dict[str, list[float]] = {name: [] for name in variants}
    for n in range(ROUNDS):
        # Interleaved rounds so machine noise hits every variant alike.
        for name, measure in variants.items():
            print(f"  round {n + 1}/{ROUNDS}: {name}", flush=True)
            times[name].append(measure())
    base = statistics.median(times["kubectl apply --server-side + rollout status"])
    print(f"\n| {'no-op re-run':<46} | {'seconds':>7} | {'vs kubectl':>10} |")
    print(f"|{'-' * 48}|{'-' * 9}|{'-' * 12}|")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"| {name:<46} | {median:>7.1f} | {median / base:>9.1f}x |")


if __name__ == "__main__":
    main()
