"""Live objects to re-appliable manifests (shared by the release role's module and filters)."""

from __future__ import annotations

import copy
from typing import Any

# Fields the API server fills in; a manifest carrying them cannot be re-created elsewhere.
_METADATA_DROP = ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink")
_ANNOTATIONS_DROP = (
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
)


def manifest(obj: dict[str, Any]) -> dict[str, Any]:
    """A live object without status and server-assigned fields (cluster IPs, bound volumes)."""
    out = copy.deepcopy(obj)
    out.pop("status", None)
    meta = out.get("metadata", {})
    for key in _METADATA_DROP:
        meta.pop(key, None)
    annotations = {k: v for k, v in meta.get("annotations", {}).items() if k not in _ANNOTATIONS_DROP}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    spec = out.get("spec", {})
    if out.get("kind") == "Service":
        for key in ("clusterIP", "clusterIPs"):
            spec.pop(key, None)
    if out.get("kind") == "PersistentVolumeClaim":
        spec.pop("volumeName", None)
    return out


def owned(obj: dict[str, Any]) -> bool:
    """Made by a controller (pods, ReplicaSets ...) or by Kubernetes for every namespace."""
    meta = obj.get("metadata", {})
    if meta.get("ownerReferences"):
        return True
    name, kind = meta.get("name"), obj.get("kind")
    return (
        (kind == "ConfigMap" and name == "kube-root-ca.crt")
        or (kind == "ServiceAccount" and name == "default")
        or (kind == "Secret" and obj.get("type") == "kubernetes.io/service-account-token")
    )


REVISION = "deployment.kubernetes.io/revision"


def deployment_records(deployments: list[dict[str, Any]], replicasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each Deployment's exact revision: number, pod-template-hash of its ReplicaSet, images."""
    records = []
    for dep in deployments:
        meta = dep["metadata"]
        revision = meta.get("annotations", {}).get(REVISION, "")
        current = [
            rs
            for rs in replicasets
            if meta["uid"] in {o.get("uid") for o in rs["metadata"].get("ownerReferences", [])}
            and rs["metadata"].get("annotations", {}).get(REVISION) == revision
        ]
        records.append(
            {
                "name": meta["name"],
                "revision": revision,
                "pod_template_hash": current[0]["metadata"]["labels"].get("pod-template-hash", "") if current else "",
                "images": [c["image"] for c in dep["spec"]["template"]["spec"]["containers"]],
            }
        )
    return records
