"""Filters of the release role: rollback plans and readable summaries of recorded objects."""

from __future__ import annotations

from typing import Any


def _referenced(template: dict[str, Any], kind: str) -> set[str]:
    """Names of the ConfigMaps or Secrets a pod template reads (envFrom, env, volumes)."""
    ref, volume_key, name_key = {
        "ConfigMap": ("configMapRef", "configMap", "name"),
        "Secret": ("secretRef", "secret", "secretName"),
    }[kind]
    key_ref = "configMapKeyRef" if kind == "ConfigMap" else "secretKeyRef"
    spec = template.get("spec", {})
    names = set()
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        names |= {e[ref]["name"] for e in container.get("envFrom", []) if ref in e}
        names |= {
            e["valueFrom"][key_ref]["name"] for e in container.get("env", []) if key_ref in e.get("valueFrom", {})
        }
    names |= {v[volume_key][name_key] for v in spec.get("volumes", []) if volume_key in v}
    return names


def release_rollback_plan(objects: list[dict[str, Any]], names: list[str] | None = None) -> list[dict[str, Any]]:
    """Per recorded Deployment (optionally only `names`): its pod template and the config it reads."""
    plan = []
    for dep in (o for o in objects if o.get("kind") == "Deployment"):
        name = dep["metadata"]["name"]
        if names is not None and name not in names:
            continue
        template = dep["spec"]["template"]
        config = [
            o
            for o in objects
            if o.get("kind") in ("ConfigMap", "Secret") and o["metadata"]["name"] in _referenced(template, o["kind"])
        ]
        plan.append({"name": name, "template": template, "config": config})
    return plan


def release_image_changes(images: dict[str, str], workloads: list[dict[str, Any]]) -> list[str]:
    """`name: running -> new` for each workload whose first container's image the release changes."""
    running = {w["metadata"]["name"]: w["spec"]["template"]["spec"]["containers"][0]["image"] for w in workloads}
    return [
        f"{name}: {running.get(name, '(not deployed)')} -> {image}"
        for name, image in images.items()
        if running.get(name) != image
    ]


def release_describe_records(records: list[dict[str, Any]]) -> str:
    """One line naming each Deployment's revision, ReplicaSet hash and images."""
    return "; ".join(
        f"{r['name']} revision {r['revision']} ({r['pod_template_hash']}, {', '.join(r['images'])})" for r in records
    )


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "release_rollback_plan": release_rollback_plan,
            "release_image_changes": release_image_changes,
            "release_describe_records": release_describe_records,
        }
