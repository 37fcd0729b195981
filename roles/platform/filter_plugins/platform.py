"""Filters of the platform role: the inventory's rules, content-hashed configuration, policy widening, pruning.

Tools looked for first: the content hash is kubernetes.core's own (`generate_hash`, what `append_hash` uses;
imported, not rewritten). Types and unknown fields are the role's argument_specs; only the rules that span
fields are here (ansible.utils.validate with a JSON schema cannot name the entry and value, nor check `calls`
against the list). The password check compares PostgreSQL's SCRAM verifiers on the controller because
community.postgresql's modules need a TCP connection to the server, which the controller does not have.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

# The hash kubernetes.core's `append_hash` appends (kubectl's ConfigMapHash/SecretHash): computing
# it here lets one rendering name the hashed objects in the Deployments that read them.
from ansible_collections.kubernetes.core.plugins.module_utils.hashes import generate_hash

Obj = dict[str, Any]
DNS_LABEL = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")
DATABASE = re.compile(r"[a-z][a-z0-9_]{0,62}")
# Kubernetes' own rule for environment variable names (a C identifier, plus dots and dashes).
ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
# A resource quantity as the API server parses it: 100m, 0.5, 128Mi, 1e3, 2G.
QUANTITY = re.compile(r"[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|[KMGTPE]i|[numkMGTPE])?")
RESOURCES = ("cpu", "memory", "ephemeral-storage")
# Set by the platform itself; an entry's env must not hide them.
RESERVED_ENV = ("PORT", "DATABASE_URL")
# The kinds the platform renders; what it prunes is drawn from these only.
PRUNABLE = (
    "Deployment",
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "ServiceAccount",
)
CONFIG = ("ConfigMap", "Secret")


def platform_completed(services: list[Obj], defaults: Obj) -> list[Obj]:
    """Each entry on top of platform_service_defaults (an entry's field replaces the default's)."""
    return [{**defaults, **service} for service in services]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _entry_problems(service: Obj, names: list[str]) -> list[str]:
    where = f"platform_services[{service['name']}]"
    problems = []
    for field, low, high in (("port", 1, 65535), ("replicas", 1, 1000)):
        if not (_is_int(service[field]) and low <= service[field] <= high):
            problems.append(f"{where}.{field}: {service[field]!r} is not a whole number from {low} to {high}")
    hpa = service.get("hpa")
    if hpa is not None:
        bounds = {k: hpa.get(k) for k in ("min", "max", "cpu_percent")}
        if not all(_is_int(v) for v in bounds.values()):
            problems.append(f"{where}.hpa: min, max and cpu_percent must be whole numbers (got {bounds})")
        elif not (1 <= bounds["min"] <= bounds["max"] and 1 <= bounds["cpu_percent"] <= 100):
            problems.append(f"{where}.hpa: needs 1 <= min <= max and cpu_percent 1-100 (got {bounds})")
    node_port = (service.get("expose") or {}).get("node_port")
    if "expose" in service and not (_is_int(node_port) and 30000 <= node_port <= 32767):
        problems.append(f"{where}.expose.node_port: {node_port!r} is not a NodePort (30000-32767)")
    for call in service["calls"]:
        if call == service["name"] or call not in names:
            why = "is the service itself" if call == service["name"] else "is not a service of the platform"
            problems.append(f"{where}.calls: {call!r} {why} (services: {', '.join(names)})")
    if "database" in service and not DATABASE.fullmatch(str(service["database"])):
        problems.append(f"{where}.database: {service['database']!r} is not lower-case letters, digits and _")
    return problems + _env_problems(where, service["env"]) + _resource_problems(where, service["resources"])


def _env_problems(where: str, env: Obj) -> list[str]:
    problems = []
    for name, value in env.items():
        if not ENV_NAME.fullmatch(str(name)) or name in RESERVED_ENV:
            why = "is set by the platform" if name in RESERVED_ENV else "is not a valid environment variable name"
            problems.append(f"{where}.env: {name!r} {why}")
        elif isinstance(value, (dict, list)) or value is None:
            problems.append(f"{where}.env.{name}: {value!r} is not a single value (a string or number)")
    return problems


def _resource_problems(where: str, resources: Obj) -> list[str]:
    problems = []
    for section, quantities in resources.items():
        if section not in ("requests", "limits") or not isinstance(quantities, dict):
            problems.append(f"{where}.resources.{section}: only requests and limits, each a mapping, are known")
            continue
        for resource, quantity in quantities.items():
            if resource not in RESOURCES:
                problems.append(f"{where}.resources.{section}.{resource}: not one of {', '.join(RESOURCES)}")
            elif isinstance(quantity, bool) or not QUANTITY.fullmatch(str(quantity)):
                problems.append(
                    f"{where}.resources.{section}.{resource}: {quantity!r} is not a quantity (like 100m, 0.5, 128Mi)"
                )
    return problems


def _duplicates(values: list[Any]) -> list[Any]:
    return sorted({v for v in values if values.count(v) > 1}, key=str)


def platform_problems(services: list[Obj], namespace: Any) -> list[str]:
    """Every rule an inventory breaks, each naming the entry, the field and the value."""
    problems = []
    if not DNS_LABEL.fullmatch(str(namespace)):
        problems.append(f"platform_namespace: {namespace!r} is not a DNS label (lower-case letters, digits, dashes)")
    names = [s["name"] for s in services]
    if not services:
        problems.append("platform_services: the list is empty; the platform needs at least one service")
    for name in names:
        if not DNS_LABEL.fullmatch(str(name)):
            problems.append(f"platform_services: name {name!r} is not a DNS label (lower-case letters, digits, dashes)")
    problems += [f"platform_services: name {n!r} is listed more than once" for n in _duplicates(names)]
    node_ports = [(s.get("expose") or {}).get("node_port") for s in services if "expose" in s]
    problems += [f"platform_services: expose.node_port {p!r} is taken by two entries" for p in _duplicates(node_ports)]
    databases = [s["database"] for s in services if "database" in s]
    problems += [f"platform_services: database {d!r} is named by two entries" for d in _duplicates(databases)]
    # An entry may run another's image; that one must build its own (services/<name>).
    built = [s["name"] for s in services if "image" not in s]
    for service in services:
        problems += _entry_problems(service, names)
        if "image" in service and service["image"] not in built:
            problems.append(
                f"platform_services[{service['name']}].image: {service['image']!r} is not a service with an image of"
                f" its own (those: {', '.join(built)})"
            )
    return problems


def platform_shaped(services: list[Obj]) -> list[Obj]:
    """Checked entries with what the templates derive from the whole list: the URLs of the
    services each calls (<NAME>_URL), the callers each admits, its database role."""
    urls = {s["name"]: f"http://{s['name']}:{s['port']}" for s in services}
    return [
        {
            **s,
            "upstreams": {f"{c.upper().replace('-', '_')}_URL": urls[c] for c in s["calls"]},
            "callers": [c["name"] for c in services if s["name"] in c["calls"]],
            "owner": s["name"].replace("-", "_"),
        }
        for s in services
    ]


def platform_logins(databases: list[Obj], passwords: dict[str, str], admin_password: str) -> list[Obj]:
    """{owner, password} of the admin and of each service's database role, as the vault has them."""
    return [{"owner": "postgres", "password": admin_password}] + [
        {"owner": d["owner"], "password": passwords[d["database"]]} for d in databases
    ]


def _password_matches(verifier: str, password: str) -> bool:
    """Whether PostgreSQL's stored SCRAM-SHA-256 verifier is of this password (any other is not: the
    platform sets SCRAM ones)."""
    scram = re.fullmatch(r"SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):.+", verifier)
    if not scram:
        return False
    iterations, salt, stored_key = int(scram[1]), base64.b64decode(scram[2]), base64.b64decode(scram[3])
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return hmac.compare_digest(hashlib.sha256(client_key).digest(), stored_key)


def platform_database_state(rows: list[str], logins: list[Obj]) -> Obj:
    """From `kind name verifier` rows of pg_authid and pg_database: the databases, the roles, and the
    logins whose role is missing or whose stored password is not the vault's (rotated, or changed by hand)."""
    verifiers = {}
    databases = []
    for row in rows:
        kind, name, verifier = ([*row.split(" ", 2), ""])[:3]
        if kind == "role":
            verifiers[name] = verifier
        elif kind == "db":
            databases.append(name)
    stale = [
        login["owner"]
        for login in logins
        if not _password_matches(verifiers.get(login["owner"], ""), login["password"])
    ]
    return {"roles": sorted(verifiers), "databases": databases, "stale": stale}


def platform_provisioning_digest(logins: list[Obj], databases: list[Obj], uid: str) -> str:
    """One digest of what PostgreSQL must hold (each role with its password, each database), for this
    StatefulSet (a recreated one, e.g. a restore, is provisioned again)."""
    roles = sorted(f"{login['owner']}:{login['password']}" for login in logins)
    names = sorted(d["database"] for d in databases)
    return hashlib.sha256(json.dumps([uid, roles, names]).encode()).hexdigest()


def platform_hashed(obj: Obj) -> Obj:
    """An immutable ConfigMap or Secret named `<name>-<hash of its content>`, as append_hash names it.

    Mutable ones (PostgreSQL's admin Secret, read only when the database is first created) keep their name.
    """
    if not obj.get("immutable"):
        return obj
    # A plain copy: deep-copying Ansible's tagged values is slow, and the hash reads only plain data.
    out = json.loads(json.dumps(obj))
    out["metadata"]["name"] = f"{out['metadata']['name']}-{generate_hash(json.loads(json.dumps(obj)))}"
    return out


def platform_config_names(configs: list[Obj]) -> dict[str, dict[str, str]]:
    """{owner: {kind: hashed name}} for the rendered ConfigMaps and Secrets (no content leaves)."""
    names: dict[str, dict[str, str]] = {}
    for obj in configs:
        owner = obj["metadata"]["labels"]["app.kubernetes.io/name"]
        names.setdefault(owner, {})[obj["kind"]] = obj["metadata"]["name"]
    return names


def _key(obj: Obj) -> tuple[str, str]:
    return obj["kind"], obj["metadata"]["name"]


def platform_widened(policies: list[Obj], live: list[Obj]) -> list[Obj]:
    """Each NetworkPolicy admitting its new callers and, until the rollout is done, its live ones.

    Ingress rules are alternatives, so the union of both lists admits exactly old and new callers.
    """
    live_by_key = {_key(o): o for o in live if o.get("kind") == "NetworkPolicy"}
    widened = []
    for policy in policies:
        rules = policy["spec"].get("ingress") or []
        old = live_by_key.get(_key(policy), {}).get("spec", {}).get("ingress") or []
        extra = [rule for rule in old if rule not in rules]
        widened.append(policy if not extra else {**policy, "spec": {**policy["spec"], "ingress": rules + extra}})
    return widened


def _reference(obj: Obj) -> Obj:
    meta = obj["metadata"]
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "metadata": {k: meta[k] for k in ("name", "namespace")},
    }


def platform_created(rendered: list[Obj], live: list[Obj]) -> list[Obj]:
    """References to the rendered objects that did not exist before the run (the Namespace stays)."""
    existed = {_key(o) for o in live}
    return [_reference(o) for o in rendered if o["kind"] != "Namespace" and _key(o) not in existed]


def platform_recorded(live: list[Obj], rendered: list[Obj], kinds: list[str]) -> list[Obj]:
    """The recorded manifests, of the given kinds, of the objects this run renders."""
    wanted = {_key(o) for o in rendered}
    return [o for o in live if o["kind"] in kinds and _key(o) in wanted]


def _referenced(template: Obj) -> set[tuple[str, str]]:
    """(kind, name) of every ConfigMap and Secret a pod template reads."""
    spec = template.get("spec", {})
    refs: set[tuple[str, str]] = set()
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        for source in container.get("envFrom", []):
            refs |= {("ConfigMap", source["configMapRef"]["name"])} if "configMapRef" in source else set()
            refs |= {("Secret", source["secretRef"]["name"])} if "secretRef" in source else set()
        for env in container.get("env", []):
            value_from = env.get("valueFrom", {})
            refs |= {("ConfigMap", value_from["configMapKeyRef"]["name"])} if "configMapKeyRef" in value_from else set()
            refs |= {("Secret", value_from["secretKeyRef"]["name"])} if "secretKeyRef" in value_from else set()
    for volume in spec.get("volumes", []):
        refs |= {("ConfigMap", volume["configMap"]["name"])} if "configMap" in volume else set()
        refs |= {("Secret", volume["secret"]["secretName"])} if "secret" in volume else set()
    return refs


def platform_prune(live: list[Obj], rendered: list[Obj], workloads: list[Obj], keep: list[str]) -> list[Obj]:
    """The live objects the platform made that are neither rendered now nor still needed.

    live: the namespace's objects before the run; rendered: every object of this run;
    workloads: objects with pod templates (Deployments, StatefulSets, ReplicaSets: a ReplicaSet is a
    revision kept for rollbacks) name the configuration they run with; keep: owners
    (app.kubernetes.io/name) never pruned, the database above all.
    """
    templates = [w["spec"]["template"] for w in workloads if "template" in w.get("spec", {})]
    wanted = {_key(o) for o in rendered}
    needed = set().union(*(_referenced(t) for t in templates))
    prune = []
    for obj in live:
        labels = obj.get("metadata", {}).get("labels") or {}
        if (
            labels.get("app.kubernetes.io/managed-by") != "ansible"
            or labels.get("app.kubernetes.io/name") in keep
            or _key(obj) in wanted
        ):
            continue
        if obj["kind"] in PRUNABLE or (obj["kind"] in CONFIG and _key(obj) not in needed):
            prune.append(_reference(obj))
    return prune


CANARY_TRACK = {"techcommerce.io/track": "canary"}


def platform_canaries(deployments: list[Obj], would_be: list[Obj], live: list[Obj]) -> list[Obj]:
    """A one-pod `<name>-canary` Deployment of each running Deployment whose pod template the apply
    would change (`would_be`: a server-side dry run's objects, defaults filled in as in `live`).
    Its pod carries the Service's labels (a replica's share of the traffic); the track label in its
    selector keeps the two Deployments' ReplicaSets apart."""
    running = {o["metadata"]["name"]: o["spec"]["template"] for o in live if o["kind"] == "Deployment"}
    changed = {
        o["metadata"]["name"]
        for o in would_be
        if o["metadata"]["name"] in running and o["spec"]["template"] != running[o["metadata"]["name"]]
    }
    canaries = []
    for deployment in deployments:
        name = deployment["metadata"]["name"]
        if name not in changed:
            continue
        # A plain copy: deep-copying Ansible's tagged values is slow.
        canary = json.loads(json.dumps(deployment))
        canary["metadata"] = {
            "name": f"{name}-canary",
            "namespace": deployment["metadata"]["namespace"],
            "labels": {**deployment["metadata"].get("labels", {}), **CANARY_TRACK},
        }
        spec = canary["spec"]
        spec["replicas"] = 1
        spec["selector"]["matchLabels"].update(CANARY_TRACK)
        spec["template"]["metadata"]["labels"].update(CANARY_TRACK)
        canaries.append(canary)
    return canaries


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "platform_completed": platform_completed,
            "platform_problems": platform_problems,
            "platform_shaped": platform_shaped,
            "platform_logins": platform_logins,
            "platform_database_state": platform_database_state,
            "platform_provisioning_digest": platform_provisioning_digest,
            "platform_hashed": platform_hashed,
            "platform_config_names": platform_config_names,
            "platform_widened": platform_widened,
            "platform_prune": platform_prune,
            "platform_created": platform_created,
            "platform_recorded": platform_recorded,
            "platform_canaries": platform_canaries,
        }
