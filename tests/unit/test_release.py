"""The release role's judgement of a rollout and its manifests (pure functions; the cluster runs in molecule)."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ROLE = ROOT / "roles/release"


def _load(name: str, path: Path) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


objects = _load("ansible.module_utils.k8s_objects", ROOT / "module_utils/k8s_objects.py")
_load("ansible.module_utils.canary", ROOT / "module_utils/canary.py")
rollout = _load("rollout_watch", ROOT / "library/rollout_watch.py")
filters = _load("release_filters", ROLE / "filter_plugins/release.py")

NOW = 1_800_000_000.0
STARTED = "2027-01-15T08:00:00Z"  # epoch 1_800_000_000


def deployment(revision: str = "2", desired: int = 2, **status: int) -> dict[str, Any]:
    return {
        "metadata": {"name": "product-api", "uid": "d1", "generation": 5, "annotations": {rollout.REVISION: revision}},
        "spec": {"replicas": desired},
        "status": {"observedGeneration": 5, **status},
    }


def replicaset(pod_hash: str, revision: str) -> dict[str, Any]:
    return {
        "metadata": {
            "labels": {"pod-template-hash": pod_hash},
            "annotations": {rollout.REVISION: revision},
            "ownerReferences": [{"uid": "d1"}],
        }
    }


def pod(pod_hash: str, ready: bool = False, **container: Any) -> dict[str, Any]:
    return {
        "metadata": {
            "name": f"product-api-{pod_hash}-x",
            "labels": {"pod-template-hash": pod_hash},
            "creationTimestamp": STARTED,
        },
        "spec": {"containers": [{"image": "techcommerce/product-api:new"}]},
        "status": {
            "phase": "Running",
            "startTime": STARTED,
            "containerStatuses": [{"name": "product-api", "ready": ready, "restartCount": 0, "state": {}, **container}],
        },
    }


RSS = [replicaset("old", "1"), replicaset("new", "2")]


def assess(pods: list[dict[str, Any]], dep: dict[str, Any] | None = None, after: float = 5) -> tuple[bool, Any]:
    judge = rollout.Judge(NOW - 1, ready_timeout=40, max_restarts=1)  # the watch began just before the pods
    return rollout.assess(dep or deployment(), RSS, pods, now=NOW + after, judge=judge)


def assess_with(judge: Any, pods: list[dict[str, Any]], after: float) -> tuple[bool, Any]:
    return rollout.assess(deployment(), RSS, pods, now=NOW + after, judge=judge)


def test_a_crash_looping_new_pod_is_bad_at_once() -> None:
    crashing = pod("new", state={"waiting": {"reason": "CrashLoopBackOff"}}, lastState={"terminated": {"exitCode": 2}})
    done, bad = assess([pod("old", ready=True), crashing])
    assert not done
    assert bad["reason"].startswith("container product-api: CrashLoopBackOff, last exit code 2")
    assert bad["created"] == NOW


def test_an_image_that_cannot_be_pulled_is_bad() -> None:
    _, bad = assess([pod("new", state={"waiting": {"reason": "ErrImagePull", "message": "not found"}})])
    assert bad["reason"] == "container product-api: ErrImagePull: not found"


def test_old_pods_are_not_judged() -> None:
    old_crashing = pod("old", state={"waiting": {"reason": "CrashLoopBackOff"}})
    assert assess([old_crashing, pod("new")]) == (False, None)


def test_a_new_pod_not_ready_within_the_bound_is_bad_and_not_before() -> None:
    assert assess([pod("new")], after=39) == (False, None)
    _, bad = assess([pod("new")], after=41)
    assert bad["reason"] == "not ready 41 s after creation (release ready_timeout 40 s)"


def test_a_pod_that_cannot_be_scheduled_says_why() -> None:
    pending = pod("new")
    pending["status"] = {
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False", "message": "Insufficient cpu"}],
    }
    _, bad = assess([pending], after=41)
    assert bad["reason"] == "not scheduled (Insufficient cpu) 41 s after creation (release ready_timeout 40 s)"


def test_restarts_beyond_the_limit_are_bad() -> None:
    _, bad = assess([pod("new", ready=True, restartCount=2)])
    assert bad["reason"] == "container product-api restarted 2 times"


def test_a_pod_running_before_the_watch_is_judged_by_what_happens_during_it() -> None:
    # A restore scales the recorded ReplicaSet back up: its surviving pods may carry restarts from
    # hours of load and chaos; only restarts seen while the watch runs say it is bad now.
    judge = rollout.Judge(NOW + 3600, ready_timeout=40, max_restarts=1)
    veteran = pod("new", ready=True, restartCount=3)
    assert rollout.assess(deployment(), RSS, [veteran], now=NOW + 3605, judge=judge) == (False, None)
    veteran["status"]["containerStatuses"][0].update(restartCount=5, ready=False)
    _, bad = rollout.assess(deployment(), RSS, [veteran], now=NOW + 3610, judge=judge)
    assert bad["reason"] == "container product-api restarted 2 times since the watch began"


def test_a_pod_unready_when_the_watch_began_gets_the_whole_ready_bound() -> None:
    judge = rollout.Judge(NOW + 3600, ready_timeout=40, max_restarts=1)
    assert rollout.assess(deployment(), RSS, [pod("new")], now=NOW + 3639, judge=judge) == (False, None)
    _, bad = rollout.assess(deployment(), RSS, [pod("new")], now=NOW + 3641, judge=judge)
    assert bad["reason"] == "not ready 41 s after the watch began (release ready_timeout 40 s)"


def test_a_pod_that_stays_unready_during_the_bake_is_bad() -> None:
    judge = rollout.Judge(NOW - 1, ready_timeout=40, max_restarts=1)
    done = deployment(updatedReplicas=2, replicas=2, availableReplicas=2)
    assert rollout.assess(done, RSS, [pod("new", ready=True)], now=NOW + 20, judge=judge) == (True, None)
    judge.bake_start = NOW + 20
    assert rollout.assess(done, RSS, [pod("new", ready=False)], now=NOW + 65, judge=judge)[1] is None
    assert rollout.assess(done, RSS, [pod("new", ready=True)], now=NOW + 70, judge=judge)[1] is None
    for after in (80, 85):  # a blip under load is forgiven; staying unready is not
        assert rollout.assess(done, RSS, [pod("new", ready=False)], now=NOW + after, judge=judge)[1] is None
    _, bad = rollout.assess(done, RSS, [pod("new", ready=False)], now=NOW + 90, judge=judge)
    assert bad["reason"] == "ready, then not ready for 10 s, 70 s into the bake"
    assert bad["detected"] == NOW + 90


def test_a_pod_created_during_the_bake_gets_its_ready_bound() -> None:
    # A replacement (a node drained, a pod deleted) is new: it has not been ready yet.
    judge = rollout.Judge(NOW - 1, ready_timeout=40, max_restarts=1)
    judge.bake_start = NOW - 1
    assert assess_with(judge, [pod("new", ready=False)], after=30) == (False, None)


def test_complete_only_when_every_replica_is_new_and_available() -> None:
    ready = [pod("new", ready=True)]
    assert assess(ready, deployment(updatedReplicas=2, replicas=3, availableReplicas=3)) == (False, None)
    assert assess(ready, deployment(updatedReplicas=2, replicas=2, availableReplicas=2)) == (True, None)


def test_nothing_is_judged_before_the_controller_saw_the_change() -> None:
    stale = deployment(updatedReplicas=2, replicas=2, availableReplicas=2)
    stale["status"]["observedGeneration"] = 4
    assert assess([pod("new", state={"waiting": {"reason": "CrashLoopBackOff"}})], stale) == (False, None)


def test_a_manifest_drops_what_the_server_set() -> None:
    live = {
        "kind": "Service",
        "metadata": {
            "name": "x",
            "uid": "u",
            "resourceVersion": "1",
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "keep": "me"},
        },
        "spec": {"clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"], "ports": [{"port": 5000}]},
        "status": {"loadBalancer": {}},
    }
    assert objects.manifest(live) == {
        "kind": "Service",
        "metadata": {"name": "x", "annotations": {"keep": "me"}},
        "spec": {"ports": [{"port": 5000}]},
    }


def test_objects_made_by_controllers_or_kubernetes_are_left_out() -> None:
    assert objects.owned({"kind": "Pod", "metadata": {"name": "p", "ownerReferences": [{"uid": "r"}]}})
    assert objects.owned({"kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt"}})
    assert not objects.owned({"kind": "ConfigMap", "metadata": {"name": "product-api"}})


def test_deployment_records_name_the_current_revisions_replicaset() -> None:
    dep = {**deployment(), "spec": {"template": {"spec": {"containers": [{"image": "i:1"}]}}}}
    assert objects.deployment_records([dep], RSS) == [
        {"name": "product-api", "revision": "2", "pod_template_hash": "new", "images": ["i:1"]}
    ]


def test_a_rollback_plan_carries_the_config_the_pods_read() -> None:
    template = {"spec": {"containers": [{"envFrom": [{"configMapRef": {"name": "a"}}, {"secretRef": {"name": "s"}}]}]}}
    recorded = [
        {"kind": "Deployment", "metadata": {"name": "a"}, "spec": {"template": template}},
        {"kind": "ConfigMap", "metadata": {"name": "a"}},
        {"kind": "ConfigMap", "metadata": {"name": "other"}},
        {"kind": "Secret", "metadata": {"name": "s"}},
    ]
    (plan,) = filters.release_rollback_plan(recorded, ["a"])
    assert plan["template"] == template
    assert [c["metadata"]["name"] for c in plan["config"]] == ["a", "s"]
    assert filters.release_rollback_plan(recorded, ["b"]) == []


def test_a_refused_database_password_is_explained() -> None:
    logs = 'FATAL:  password authentication failed for user "order_api"'
    assert "the database role order_api refused the service's password" in rollout.hint(logs)
    assert rollout.hint("Traceback: KeyError") == ""
