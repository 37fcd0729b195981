"""A stand-in for kube-state-metrics on the local provider, run beside Prometheus in its pod.

Why it exists: kube-state-metrics cannot be had on this kind of host (no container registry, and the Go
module proxy refuses k8s.io/kube-state-metrics/v2). Every other provider runs the real one
(prometheus_kube_state_metrics_standin: false). On /metrics it serves the few kube-state-metrics series the
alert rules and dashboards read, under kube-state-metrics' own names and labels, so the same rules work on both.
Discovery is Prometheus's own (kubernetes_sd_configs).

Standard library only, so it runs on the plain Python base image. An API error fails the scrape (the
target-down alert reports it).
"""

from __future__ import annotations

import json
import os
import signal
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
SUFFIXES = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
HELP = {
    "kube_deployment_spec_replicas": "Desired pods of a Deployment.",
    "kube_deployment_status_replicas_available": "Available pods of a Deployment.",
    "kube_deployment_status_replicas_unavailable": "Unavailable pods of a Deployment.",
    "kube_statefulset_replicas": "Desired pods of a StatefulSet.",
    "kube_statefulset_status_replicas_ready": "Ready pods of a StatefulSet.",
    "kube_horizontalpodautoscaler_spec_min_replicas": "Lower limit of an autoscaler.",
    "kube_horizontalpodautoscaler_spec_max_replicas": "Upper limit of an autoscaler.",
    "kube_horizontalpodautoscaler_status_current_replicas": "Current replicas of an autoscaler.",
    "kube_horizontalpodautoscaler_status_desired_replicas": "Desired replicas of an autoscaler.",
    "kube_pod_container_status_restarts_total": "Restarts of a container.",
    "kube_pod_container_status_waiting_reason": "Why a container is waiting (1 per reason).",
    "kube_pod_container_resource_requests": "Resources a container requests.",
    "kube_pod_container_resource_limits": "Resource limits of a container.",
}
Sample = tuple[str, dict[str, str], float]


def quantity(text: str) -> float:
    """A Kubernetes quantity ("500m", "128Mi", "2") as a number."""
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * SUFFIXES[suffix]
    return float(text)


def api_list(group: str, resource: str) -> list[dict]:
    """Every object of a kind in the watched namespaces (NAMESPACES; the RBAC grants no more).

    A namespace that is gone (or not granted yet) holds nothing: it must not freeze the
    discovery of the others.
    """
    items = []
    for ns in os.environ["NAMESPACES"].split(","):
        try:
            items += api_get(f"/{group}/namespaces/{ns}/{resource}")
        except urllib.error.HTTPError as error:
            if error.code not in (403, 404):
                raise
            print(f"namespace {ns}: {resource} unreadable ({error.code}), taken as none", file=sys.stderr, flush=True)
    return items


def api_get(path: str) -> list[dict]:
    query = urllib.parse.urlencode({"labelSelector": os.environ.get("LABEL_SELECTOR", "")})
    host = os.environ["KUBERNETES_SERVICE_HOST"]
    port = os.environ["KUBERNETES_SERVICE_PORT"]
    # The token is read per call: the kubelet rotates it.
    token = (SA_DIR / "token").read_text()
    url = f"https://{host}:{port}{path}?{query}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    context = ssl.create_default_context(cafile=SA_DIR / "ca.crt")
    with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310 (fixed https URL)
        return json.load(response)["items"]


def workloads() -> Iterator[Sample]:
    for d in api_list("apis/apps/v1", "deployments"):
        labels = {"namespace": d["metadata"]["namespace"], "deployment": d["metadata"]["name"]}
        status = d.get("status", {})
        yield "kube_deployment_spec_replicas", labels, d["spec"].get("replicas", 1)
        yield "kube_deployment_status_replicas_available", labels, status.get("availableReplicas", 0)
        yield "kube_deployment_status_replicas_unavailable", labels, status.get("unavailableReplicas", 0)
    for s in api_list("apis/apps/v1", "statefulsets"):
        labels = {"namespace": s["metadata"]["namespace"], "statefulset": s["metadata"]["name"]}
        yield "kube_statefulset_replicas", labels, s["spec"].get("replicas", 1)
        yield "kube_statefulset_status_replicas_ready", labels, s.get("status", {}).get("readyReplicas", 0)
    for h in api_list("apis/autoscaling/v2", "horizontalpodautoscalers"):
        labels = {"namespace": h["metadata"]["namespace"], "horizontalpodautoscaler": h["metadata"]["name"]}
        status = h.get("status", {})
        yield "kube_horizontalpodautoscaler_spec_min_replicas", labels, h["spec"].get("minReplicas", 1)
        yield "kube_horizontalpodautoscaler_spec_max_replicas", labels, h["spec"]["maxReplicas"]
        yield "kube_horizontalpodautoscaler_status_current_replicas", labels, status.get("currentReplicas", 0)
        yield "kube_horizontalpodautoscaler_status_desired_replicas", labels, status.get("desiredReplicas", 0)


def pods() -> Iterator[Sample]:
    for p in api_list("api/v1", "pods"):
        pod = {"namespace": p["metadata"]["namespace"], "pod": p["metadata"]["name"]}
        for c in p.get("status", {}).get("containerStatuses", []):
            labels = pod | {"container": c["name"]}
            yield "kube_pod_container_status_restarts_total", labels, c.get("restartCount", 0)
            if waiting := c.get("state", {}).get("waiting"):
                yield "kube_pod_container_status_waiting_reason", labels | {"reason": waiting.get("reason", "")}, 1
        for c in p["spec"]["containers"]:
            resources = c.get("resources", {})
            for kind in ("requests", "limits"):
                for resource, value in resources.get(kind, {}).items():
                    unit = {"cpu": "core", "memory": "byte"}.get(resource, "integer")
                    labels = pod | {"container": c["name"], "resource": resource, "unit": unit}
                    yield f"kube_pod_container_resource_{kind}", labels, quantity(value)


def exposition(samples: list[Sample]) -> str:
    lines = []
    for name in dict.fromkeys(name for name, _, _ in samples):
        kind = "counter" if name.endswith("_total") else "gauge"
        lines += [f"# HELP {name} {HELP[name]}", f"# TYPE {name} {kind}"]
        for _, labels, value in (s for s in samples if s[0] == name):
            rendered = ",".join(f'{k}="{json.dumps(v)[1:-1]}"' for k, v in labels.items())
            lines.append(f"{name}{{{rendered}}} {float(value)}")
    return "\n".join(lines) + "\n"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._reply(200, "ok\n")
        elif self.path == "/metrics":
            try:
                self._reply(200, exposition([*workloads(), *pods()]))
            except OSError as error:  # the API server did not answer: fail the scrape, visibly
                self._reply(503, f"listing objects failed: {error}\n")
        else:
            self._reply(404, "not found\n")

    def _reply(self, code: int, body: str) -> None:
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Scrapes every few seconds would flood the log; errors show as failed scrapes instead."""


if __name__ == "__main__":
    # PID 1 ignores SIGTERM unless it handles it: without this the pod would wait out its grace period.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer(("", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
