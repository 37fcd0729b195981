"""The platform role's filters: the inventory's rules, hashed configuration, policies, pruning."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location(
    "platform_filters", Path(__file__).resolve().parents[2] / "roles/platform/filter_plugins/platform.py"
)
assert _spec and _spec.loader
platform = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(platform)

DEFAULTS = {"port": 5000, "replicas": 2, "calls": [], "env": {}, "resources": {"requests": {"cpu": "100m"}}}
GOOD = [
    {"name": "product-api", "database": "products", "hpa": {"min": 2, "max": 10, "cpu_percent": 70}},
    {"name": "order-api", "database": "orders", "calls": ["product-api"]},
    {"name": "frontend", "calls": ["product-api", "order-api"], "expose": {"node_port": 30000}},
]


def problems(services: list[dict[str, Any]], namespace: str = "techcommerce") -> list[str]:
    return platform.platform_problems(platform.platform_completed(services, DEFAULTS), namespace)


def changed(name: str, **fields: Any) -> list[dict[str, Any]]:
    return [{**s, **fields} if s["name"] == name else s for s in GOOD]


def test_the_shipped_list_passes() -> None:
    assert problems(GOOD) == []


def test_an_entry_may_run_another_entrys_image() -> None:
    copy = {key: value for key, value in GOOD[0].items() if key != "database"}
    assert problems([*GOOD, {**copy, "name": "catalog-search", "image": GOOD[0]["name"]}]) == []


@pytest.mark.parametrize(
    ("services", "expected"),
    [
        (
            changed("product-api", resources={"requests": {"cpu": "lots"}}),
            "platform_services[product-api].resources.requests.cpu: 'lots' is not a quantity",
        ),
        (changed("order-api", env={"BAD NAME": "x"}), "platform_services[order-api].env: 'BAD NAME' is not a valid"),
        (changed("order-api", env={"PORT": "1"}), "platform_services[order-api].env: 'PORT' is set by the platform"),
        (changed("order-api", calls=["payments"]), "platform_services[order-api].calls: 'payments' is not a service"),
        (
            changed("product-api", hpa={"min": 5, "max": 3, "cpu_percent": 70}),
            "platform_services[product-api].hpa: needs 1 <= min <= max",
        ),
        (changed("order-api", expose={"node_port": 30000}), "expose.node_port 30000 is taken by two entries"),
        (changed("order-api", replicas=True), "platform_services[order-api].replicas: True is not a whole number"),
        (changed("order-api", replicas="2"), "platform_services[order-api].replicas: '2' is not a whole number"),
        ([*GOOD, {"name": "Payments_API"}], "name 'Payments_API' is not a DNS label"),
        ([*GOOD, GOOD[0]], "name 'product-api' is listed more than once"),
        (
            [*GOOD, {**GOOD[0], "name": "copy", "image": "search"}],
            "platform_services[copy].image: 'search' is not a service with an image of its own",
        ),
        (
            [*GOOD, {**GOOD[0], "name": "copy", "image": "frontend"}, {**GOOD[0], "name": "copy2", "image": "copy"}],
            "platform_services[copy2].image: 'copy' is not a service with an image of its own",
        ),
    ],
)
def test_each_bad_value_is_named_with_its_entry_and_field(services: list[dict[str, Any]], expected: str) -> None:
    found = problems(services)
    assert any(expected in p for p in found), found


def test_a_bad_namespace_is_named() -> None:
    assert problems(GOOD, "Bad Namespace!") == [
        "platform_namespace: 'Bad Namespace!' is not a DNS label (lower-case letters, digits, dashes)"
    ]


def test_quantities_the_api_server_accepts_pass() -> None:
    for quantity in ("100m", "0.5", "1", "128Mi", "2G", "1e3", 2):
        assert problems(changed("frontend", resources={"limits": {"memory": quantity}})) == [], quantity


def test_shaping_derives_urls_callers_and_owner() -> None:
    shaped = {s["name"]: s for s in platform.platform_shaped(platform.platform_completed(GOOD, DEFAULTS))}
    assert shaped["frontend"]["upstreams"] == {
        "PRODUCT_API_URL": "http://product-api:5000",
        "ORDER_API_URL": "http://order-api:5000",
    }
    assert shaped["product-api"]["callers"] == ["order-api", "frontend"]
    assert shaped["order-api"]["owner"] == "order_api"


def configmap(data: dict[str, str], immutable: bool = True) -> dict[str, Any]:
    metadata = {"name": "order-api", "labels": {"app.kubernetes.io/name": "order-api"}}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data, "immutable": immutable}


def test_a_hashed_name_follows_the_content_only() -> None:
    first = platform.platform_hashed(configmap({"A": "1"}))
    assert first["metadata"]["name"].startswith("order-api-")
    assert platform.platform_hashed(configmap({"A": "1"}))["metadata"]["name"] == first["metadata"]["name"]
    assert platform.platform_hashed(configmap({"A": "2"}))["metadata"]["name"] != first["metadata"]["name"]
    assert platform.platform_config_names([first]) == {"order-api": {"ConfigMap": first["metadata"]["name"]}}
    # A mutable one keeps its name: it is changed in place.
    assert platform.platform_hashed(configmap({"A": "1"}, immutable=False))["metadata"]["name"] == "order-api"


def policy(*callers: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "product-api", "namespace": "shop"},
        "spec": {"ingress": [{"from": [{"podSelector": {"matchLabels": {"name": c}}}]} for c in callers]},
    }


def test_a_widened_policy_admits_old_and_new_callers_and_equals_the_new_when_nothing_is_lost() -> None:
    widened = platform.platform_widened([policy("frontend")], [policy("order-api", "frontend")])
    assert widened[0]["spec"]["ingress"] == policy("frontend", "order-api")["spec"]["ingress"]
    assert platform.platform_widened([policy("frontend", "x")], [policy("frontend")]) == [policy("frontend", "x")]


def obj(kind: str, name: str, owner: str, managed: bool = True) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": owner} | ({"app.kubernetes.io/managed-by": "ansible"} if managed else {})
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "namespace": "shop", "labels": labels}}


def test_prune_keeps_what_a_revision_names_the_database_and_what_others_made() -> None:
    live = [
        obj("Deployment", "retired-api", "retired-api"),
        obj("ConfigMap", "order-api-old", "order-api"),
        obj("ConfigMap", "order-api-older", "order-api"),
        obj("ConfigMap", "order-api-new", "order-api"),
        obj("Service", "postgres", "postgres"),
        obj("ConfigMap", "hand-made", "tool", managed=False),
    ]
    revision = {
        "spec": {"template": {"spec": {"containers": [{"envFrom": [{"configMapRef": {"name": "order-api-old"}}]}]}}}
    }
    pruned = platform.platform_prune(live, [obj("ConfigMap", "order-api-new", "order-api")], [revision], ["postgres"])
    assert [(p["kind"], p["metadata"]["name"]) for p in pruned] == [
        ("Deployment", "retired-api"),
        ("ConfigMap", "order-api-older"),
    ]


def test_created_lists_only_what_did_not_exist_and_never_the_namespace() -> None:
    rendered = [obj("Namespace", "shop", "shop"), obj("Service", "a", "a"), obj("Service", "b", "b")]
    assert [p["metadata"]["name"] for p in platform.platform_created(rendered, [obj("Service", "a", "a")])] == ["b"]


def scram(password: str, salt: bytes = b"0123456789abcdef", iterations: int = 4096) -> str:
    """A verifier as PostgreSQL stores it (SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey)."""
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    stored = hashlib.sha256(hmac.new(salted, b"Client Key", "sha256").digest()).digest()
    server = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = base64.b64encode
    return f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}${b64(stored).decode()}:{b64(server).decode()}"


def test_database_state_names_missing_roles_and_passwords_that_differ_from_the_vault() -> None:
    vault = {"postgres": "admin-1234567890", "order_api": "vault-1234567890", "product_api": "other-1234567890"}
    stored = {"postgres": vault["postgres"], "order_api": "changed-by-hand"}
    rows = [f"role {owner} {scram(value)}" for owner, value in stored.items()] + ["db orders "]
    logins = [dict(zip(("owner", "password"), item, strict=True)) for item in vault.items()]
    state = platform.platform_database_state(rows, logins)
    assert state == {"roles": ["order_api", "postgres"], "databases": ["orders"], "stale": ["order_api", "product_api"]}


def _deployment(name: str, image: str) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": name}
    return {
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "shop", "labels": labels},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": [{"image": image}]}},
        },
    }


def test_a_canary_is_made_only_of_a_running_deployment_whose_template_changes() -> None:
    live = [_deployment("product-api", "v1"), _deployment("order-api", "v1")]
    rendered = [_deployment("product-api", "v2"), _deployment("order-api", "v1"), _deployment("frontend", "v1")]
    # The dry run's objects: what the apply would make (frontend does not run yet: no canary, it is new).
    canaries = platform.platform_canaries(rendered, rendered, live)
    assert [c["metadata"]["name"] for c in canaries] == ["product-api-canary"]
    canary = canaries[0]
    assert canary["spec"]["replicas"] == 1
    assert canary["spec"]["template"]["spec"]["containers"][0]["image"] == "v2"
    # The Service's labels (its share of the traffic), and its own track in the selector.
    track = {"app.kubernetes.io/name": "product-api", "techcommerce.io/track": "canary"}
    assert canary["spec"]["template"]["metadata"]["labels"] == track
    assert canary["spec"]["selector"]["matchLabels"] == track
    assert rendered[0]["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": "product-api"}
