#!/usr/bin/python
"""Ansible module: every object of a namespace as re-appliable manifests, in one pass."""

from __future__ import annotations

DOCUMENTATION = r"""
module: namespace_snapshot
short_description: Read every object of a namespace as manifests, and each Deployment's exact revision
description:
  - Lists each given kind in the namespace and returns the objects without status and server-set fields
    (uid, resourceVersion, cluster IPs, bound volume names), leaving out what controllers or Kubernetes
    itself create (pods, ReplicaSets, the default ServiceAccount, kube-root-ca.crt). The Namespace comes first.
  - Records each Deployment's revision, the pod-template-hash of that revision's ReplicaSet and its images.
  - Read-only. One API client for all kinds, so a snapshot takes about a second.
options:
  namespace: {description: The namespace., type: str, required: true}
  kinds: {description: "Kinds to read: [{api_version, kind}].", type: list, elements: dict, required: true}
  kubeconfig: {description: Path of the kubeconfig file., type: path}
  context: {description: Context in the kubeconfig., type: str}
"""

RETURN = r"""
objects: {description: The manifests (Secrets included; register with no_log)., type: list, returned: always}
deployments: {description: "[{name, revision, pod_template_hash, images}]", type: list, returned: always}
exists: {description: Whether the namespace exists., type: bool, returned: always}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.k8s_objects import deployment_records, manifest, owned
from kubernetes import config, dynamic
from kubernetes.client.exceptions import ApiException


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "namespace": {"type": "str", "required": True},
            "kinds": {"type": "list", "elements": "dict", "required": True},
            "kubeconfig": {"type": "path"},
            "context": {"type": "str"},
        },
        supports_check_mode=True,
    )
    p = module.params
    client = dynamic.DynamicClient(config.new_client_from_config(config_file=p["kubeconfig"], context=p["context"]))
    ns = p["namespace"]
    try:
        namespace = client.resources.get(api_version="v1", kind="Namespace").get(name=ns).to_dict()
    except ApiException as exc:
        if exc.status != 404:
            raise
        module.exit_json(changed=False, exists=False, objects=[], deployments=[])
    objects = [manifest(namespace)]
    by_kind: dict[str, list[dict]] = {}
    for kind in p["kinds"]:
        resource = client.resources.get(api_version=kind["api_version"], kind=kind["kind"])
        items = [
            {**i, "apiVersion": kind["api_version"], "kind": kind["kind"]}
            for i in resource.get(namespace=ns).to_dict()["items"]
        ]
        by_kind[kind["kind"]] = items
        objects += [manifest(o) for o in items if not owned(o)]
    replicasets = client.resources.get(api_version="apps/v1", kind="ReplicaSet").get(namespace=ns).to_dict()["items"]
    module.exit_json(
        changed=False,
        exists=True,
        objects=objects,
        deployments=deployment_records(by_kind.get("Deployment", []), replicasets),
    )


if __name__ == "__main__":
    main()
