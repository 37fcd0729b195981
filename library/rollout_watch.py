#!/usr/bin/python
"""Ansible module: watch Deployments roll out and give up at the first sign of a bad pod."""

from __future__ import annotations

DOCUMENTATION = r"""
module: rollout_watch
short_description: Wait for Deployments to finish rolling out, failing fast on a bad new pod
description:
  - Polls each Deployment, its ReplicaSets and pods about once a second until every rollout is
    complete (all replicas updated and available, no old pod left), in the manner of
    C(kubectl rollout status).
  - Fails as soon as a pod of a new ReplicaSet is in CrashLoopBackOff, ImagePullBackOff,
    ErrImagePull, CreateContainerConfigError (and the like), restarted more than I(max_restarts)
    times, or has not become ready within I(ready_timeout) seconds of starting. It does not wait
    for the Deployment's progressDeadlineSeconds.
  - A pod that was already running when the watch began (the recorded revision a restore scales
    back up) is judged only by what happens during the watch: its earlier restarts are not counted
    and its I(ready_timeout) starts with the watch.
  - With I(bake_seconds), it keeps watching the new pods that long after every rollout is complete
    (a bake, as Argo Rollouts' pause after the last step): the same rules hold, and a pod that was
    ready and has not been for 10 s counts as bad, so a version that fails a minute after start is
    caught before the run reports success.
  - With I(analysis), the watched Deployments are canaries (one pod each of a new template, carrying
    its stable Deployment's labels). During the bake their requests are compared every second with
    their stable pods' in Prometheus (5xx ratio, p95 latency; module_utils/canary.py), and a worse canary
    is a bad pod. No verdict without evidence: the bake ends only once every canary served
    I(analysis.min_requests), and fails I(analysis.evidence_seconds) after its time when one has not.
  - Read-only (with I(analysis.traffic_urls), it sends GET requests to them at I(analysis.traffic_rate)).
options:
  namespace: {description: Namespace of the Deployments., type: str, required: true}
  deployments: {description: Names of the Deployments to watch., type: list, elements: str, required: true}
  kubeconfig: {description: Path of the kubeconfig file., type: path}
  context: {description: Context in the kubeconfig., type: str}
  timeout: {description: Seconds all rollouts may take in total (the bake comes on top)., type: int, default: 300}
  ready_timeout: {description: Seconds a new pod may take from start to ready., type: int, default: 40}
  max_restarts: {description: Container restarts of a new pod tolerated before it counts as bad., type: int, default: 1}
  bake_seconds: {description: Seconds to watch the new pods once the rollouts are complete., type: int, default: 0}
  since:
    description: >-
      Epoch seconds of the apply the watch follows; new pods created since then count for I(first_created)
      (default the watch's start).
    type: float
  analysis:
    description: >-
      Canary analysis during the bake: prometheus_namespace, prometheus_service (name:port), canaries (each watched
      Deployment's stable Deployment), max_error_ratio, max_latency_ratio, min_requests, evidence_seconds,
      traffic_urls, traffic_rate.
    type: dict
"""

RETURN = r"""
elapsed: {description: Seconds the watch took (the rollouts and the bake)., type: float, returned: always}
rollout_seconds: {description: Seconds until every rollout was complete., type: float, returned: success}
finished_at:
  description: Epoch seconds when every rollout was complete or the first bad pod was seen.
  type: float
  returned: always
first_created:
  description: Epoch seconds when the first new pod was created (0 when none was).
  type: float
  returned: always
bad_pod:
  description: >-
    The bad pod, its Deployment, reason, created and detected (epoch seconds), last log lines and probe events.
  type: dict
  returned: on failure
analysis:
  description: Each canary's and its stable pods' requests, 5xx ratio and p95 at the last sample.
  type: dict
  returned: with analysis
traffic: {description: Requests sent to the traffic URLs and how many failed., type: dict, returned: with analysis}
"""

import re
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.canary import Analysis, Prometheus, Traffic
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

# Container waiting reasons that never resolve without a change to the Deployment.
BAD_WAITING_REASONS = frozenset(
    {
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "ErrImageNeverPull",
        "InvalidImageName",
        "CreateContainerConfigError",
        "CreateContainerError",
        "RunContainerError",
    }
)
REVISION = "deployment.kubernetes.io/revision"
# A readiness probe that misses twice under a burst of load makes a pod unready for a few seconds;
# a version that stopped serving stays unready. The bake tells them apart by this many seconds.
BAKE_UNREADY_SECONDS = 10

Obj = dict[str, Any]


def epoch(timestamp: str | None) -> float | None:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() if timestamp else None


def new_pods(deployment: Obj, replicasets: Iterable[Obj], pods: Iterable[Obj]) -> list[Obj]:
    """Pods of the ReplicaSet carrying the Deployment's current revision (none before it exists)."""
    revision = deployment["metadata"].get("annotations", {}).get(REVISION)
    uid = deployment["metadata"]["uid"]
    for rs in replicasets:
        owners = {o.get("uid") for o in rs["metadata"].get("ownerReferences", [])}
        if uid in owners and rs["metadata"].get("annotations", {}).get(REVISION) == revision:
            pod_hash = rs["metadata"]["labels"].get("pod-template-hash")
            return [
                p
                for p in pods
                if p["metadata"].get("labels", {}).get("pod-template-hash") == pod_hash
                and not p["metadata"].get("deletionTimestamp")
            ]
    return []


def _uid(pod: Obj) -> str:
    return pod["metadata"].get("uid") or pod["metadata"]["name"]


class Judge:
    """Judges pods for one watch. A pod already there when the watch began (the recorded revision a
    restore scales back up, or the pods of an unchanged Deployment) may carry restarts from hours of
    load or a node restart: only its restarts since the watch began count, and its ready bound starts then."""

    def __init__(self, start: float, ready_timeout: int, max_restarts: int) -> None:
        self.start, self.ready_timeout, self.max_restarts = start, ready_timeout, max_restarts
        self.earlier: dict[str, dict[str, int] | None] = {}  # restarts at first sight; None: created since
        self.was_ready: set[str] = set()
        self.unready_since: dict[str, float] = {}
        self.bake_start: float | None = None  # set once every rollout is complete

    def note(self, pods: Iterable[Obj]) -> None:
        for pod in pods:
            if _uid(pod) not in self.earlier:
                created = epoch(pod["metadata"].get("creationTimestamp"))
                statuses = pod.get("status", {}).get("containerStatuses") or []
                veteran = created is not None and created < self.start
                self.earlier[_uid(pod)] = (
                    {cs["name"]: cs.get("restartCount", 0) for cs in statuses} if veteran else None
                )

    def bad_reason(self, pod: Obj, now: float) -> str | None:
        """Why this pod will not become a serving replica, or None while it still may."""
        earlier = self.earlier.get(_uid(pod))
        status = pod.get("status", {})
        if status.get("phase") == "Failed":
            return f"pod failed: {status.get('reason') or status.get('message') or 'phase Failed'}"
        ready = False
        for cs in status.get("containerStatuses") or []:
            waiting = (cs.get("state") or {}).get("waiting") or {}
            if waiting.get("reason") in BAD_WAITING_REASONS:
                last = ((cs.get("lastState") or {}).get("terminated")) or {}
                exit_note = f", last exit code {last['exitCode']}" if "exitCode" in last else ""
                return f"container {cs['name']}: {waiting['reason']}{exit_note}: {waiting.get('message', '')}".rstrip(
                    ": "
                )
            restarted = cs.get("restartCount", 0) - (earlier or {}).get(cs["name"], 0)
            if restarted > self.max_restarts:
                return f"container {cs['name']} restarted {restarted} times" + (
                    " since the watch began" if earlier is not None else ""
                )
            ready = ready or bool(cs.get("ready"))
        if ready:
            self.was_ready.add(_uid(pod))
            self.unready_since.pop(_uid(pod), None)
        elif self.bake_start is not None and _uid(pod) in self.was_ready:
            since = self.unready_since.setdefault(_uid(pod), now)
            if now - since >= BAKE_UNREADY_SECONDS:
                return f"ready, then not ready for {now - since:.0f} s, {now - self.bake_start:.0f} s into the bake"
        started = epoch(status.get("startTime")) or epoch(pod["metadata"].get("creationTimestamp"))
        if earlier is not None and started is not None:
            started = max(started, self.start)
        if not ready and _uid(pod) not in self.was_ready and started is not None and now - started > self.ready_timeout:
            unscheduled = [
                c
                for c in status.get("conditions") or []
                if c.get("type") == "PodScheduled" and c.get("status") == "False"
            ]
            where = f"not scheduled ({unscheduled[0].get('message', '')})" if unscheduled else "not ready"
            since = "after the watch began" if earlier is not None else "after creation"
            return f"{where} {now - started:.0f} s {since} (release ready_timeout {self.ready_timeout} s)"
        return None


def complete(deployment: Obj) -> bool:
    """The rollout finished: every replica runs the current template and is available."""
    spec, status = deployment["spec"], deployment.get("status", {})
    desired = spec.get("replicas", 1)
    return (
        status.get("observedGeneration", 0) >= deployment["metadata"]["generation"]
        and status.get("updatedReplicas", 0) == desired
        and status.get("replicas", 0) == desired
        and status.get("availableReplicas", 0) == desired
    )


def assess(
    deployment: Obj, replicasets: list[Obj], pods: list[Obj], *, now: float, judge: Judge
) -> tuple[bool, Obj | None]:
    """(done, bad pod or None) for one Deployment at one instant."""
    judge.note(pods)
    if deployment.get("status", {}).get("observedGeneration", 0) < deployment["metadata"]["generation"]:
        return False, None
    for pod in new_pods(deployment, replicasets, pods):
        reason = judge.bad_reason(pod, now)
        if reason:
            return False, {
                "deployment": deployment["metadata"]["name"],
                "pod": pod["metadata"]["name"],
                "reason": reason,
                "created": epoch(pod["metadata"].get("creationTimestamp")),
                "detected": now,
                "image": pod["spec"]["containers"][0]["image"],
            }
    return complete(deployment), None


_LOGIN_FAILED = re.compile(r'password authentication failed for user "([^"]+)"')


def hint(logs: str) -> str:
    """The likely cause of a failure the service's own log names, where one is known."""
    login = _LOGIN_FAILED.search(logs)
    if login:
        return (
            f"the database role {login.group(1)} refused the service's password: the password in PostgreSQL differs "
            "from the vault's (vault_database_passwords). The platform sets the vault's password before the services "
            "roll; a password changed by hand since is put back by the next run."
        )
    return ""


def _selector(deployment: Obj) -> str:
    return ",".join(f"{k}={v}" for k, v in deployment["spec"]["selector"]["matchLabels"].items())


def _last_logs(core: Any, namespace: str, pod: str) -> str:
    # The crashed container's own words are the clearest explanation; a running one has none yet.
    for previous in (True, False):
        try:
            logs = core.read_namespaced_pod_log(pod, namespace, previous=previous, tail_lines=8)
        except ApiException:
            logs = ""  # no previous container, or not started yet
        if logs:
            return logs.strip()
    return ""


def _probe_events(core: Any, namespace: str, pod: str) -> list[str]:
    events = core.list_namespaced_event(namespace, field_selector=f"involvedObject.name={pod}").items
    return sorted({e.message for e in events if e.reason in ("Unhealthy", "Failed", "BackOff") and e.message})[-3:]


class Watch:
    """One watch: the rollouts, then the bake (with the canary analysis when there is one)."""

    def __init__(self, module: AnsibleModule) -> None:
        self.module, p = module, module.params
        self.api = config.new_client_from_config(config_file=p["kubeconfig"], context=p["context"])
        self.apps, self.core = client.AppsV1Api(self.api), client.CoreV1Api(self.api)
        self.ns, self.deployments = p["namespace"], list(p["deployments"])
        self.start = time.time()
        self.judge = Judge(self.start, p["ready_timeout"], p["max_restarts"])
        self.since = p["since"] or self.start
        self.first_created = 0.0
        self.new: dict[str, list[Obj]] = {}  # each Deployment's new pods at the last look
        self.sample_error = ""
        self.analysis: Analysis | None = None
        self.traffic: Traffic | None = None
        spec = p["analysis"]
        if spec:
            prometheus = Prometheus(self.api, spec["prometheus_namespace"], spec["prometheus_service"])
            self.analysis = Analysis(
                prometheus,
                self.ns,
                spec["canaries"],
                max_error_ratio=float(spec["max_error_ratio"]),
                max_latency_ratio=float(spec["max_latency_ratio"]),
                min_requests=int(spec["min_requests"]),
            )
            if spec.get("traffic_urls") and float(spec["traffic_rate"]) > 0:
                self.traffic = Traffic(spec["traffic_urls"], float(spec["traffic_rate"]))
                self.traffic.start()

    def results(self, now: float) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if self.analysis:
            extra["analysis"] = self.analysis.last
            extra["traffic"] = self.traffic.report() if self.traffic else {}
        return {"elapsed": round(now - self.start, 1), "finished_at": now, "first_created": self.first_created, **extra}

    def fail(self, now: float, msg: str, **details: Any) -> None:
        if self.traffic:
            self.traffic.stopped.set()
        self.module.fail_json(msg=msg, **details, **self.results(now))

    def look(self, name: str, now: float) -> bool:
        """Whether the Deployment's rollout is complete; fails the module on a bad new pod."""
        dep = self.api.sanitize_for_serialization(self.apps.read_namespaced_deployment(name, self.ns))
        selector = _selector(dep)
        rss = self.api.sanitize_for_serialization(
            self.apps.list_namespaced_replica_set(self.ns, label_selector=selector).items
        )
        pods = self.core.list_namespaced_pod(self.ns, label_selector=selector).items
        pods = self.api.sanitize_for_serialization(pods)
        done, bad = assess(dep, rss, pods, now=now, judge=self.judge)
        self.new[name] = new_pods(dep, rss, pods)
        for pod in self.new[name]:
            created = epoch(pod["metadata"].get("creationTimestamp")) or now
            # creationTimestamp has whole seconds.
            if created >= self.since - 1 and not (0 < self.first_created <= created):
                self.first_created = created
        if bad:
            bad["logs"] = _last_logs(self.core, self.ns, bad["pod"])
            bad["events"] = _probe_events(self.core, self.ns, bad["pod"])
            likely = hint(bad["logs"])
            self.fail(
                now,
                f"{name}: new pod {bad['pod']} ({bad['image']}) is bad: {bad['reason']}"
                + (f"; likely cause: {likely}" if likely else ""),
                bad_pod=bad,
            )
        return done

    def judge_canaries(self, now: float) -> None:
        """One analysis sample; a worse canary fails the module like a bad pod."""
        assert self.analysis
        try:
            worse = self.analysis.sample()
        except (ApiException, OSError, ValueError, KeyError) as error:
            # Prometheus restarting or the proxy busy: no sample this second; missing evidence fails later.
            self.sample_error = f"{type(error).__name__}: {error}"[:300]
            return
        if worse:
            canary, what = worse
            pod = (self.new.get(canary) or [{"metadata": {"name": canary}, "spec": {}}])[0]
            self.fail(
                now,
                f"{canary}: {what}",
                bad_pod={
                    "deployment": canary,
                    "pod": pod["metadata"]["name"],
                    "reason": what,
                    "created": epoch(pod["metadata"].get("creationTimestamp")) or self.first_created,
                    "detected": now,
                    "image": (pod["spec"].get("containers") or [{}])[0].get("image", ""),
                },
            )

    def run(self) -> None:
        p = self.module.params
        pending = list(self.deployments)
        while True:
            now = time.time()
            for name in list(pending):
                if self.look(name, now) and self.judge.bake_start is None:
                    pending.remove(name)
            if not pending and self.judge.bake_start is None:
                self.judge.bake_start, pending = now, list(self.deployments)
            baking = self.judge.bake_start is not None
            if baking and self.analysis:
                self.judge_canaries(now)
            if baking and now - self.judge.bake_start >= p["bake_seconds"]:
                missing = self.analysis.missing() if self.analysis else []
                if not missing:
                    if self.traffic:
                        self.traffic.stopped.set()
                    self.module.exit_json(
                        changed=False, rollout_seconds=round(self.judge.bake_start - self.start, 1), **self.results(now)
                    )
                if now - self.judge.bake_start >= p["bake_seconds"] + int(p["analysis"]["evidence_seconds"]):
                    self.fail(
                        now,
                        f"no verdict without evidence: Prometheus shows fewer than {p['analysis']['min_requests']} "
                        f"requests served by {', '.join(missing)} {p['analysis']['evidence_seconds']} s after the "
                        "canary's time (not scraped, or no traffic reached it)"
                        + (f"; the last query failed: {self.sample_error}" if self.sample_error else ""),
                    )
            if not baking and now - self.start > p["timeout"]:
                self.fail(now, f"rollout of {', '.join(pending)} not complete after {p['timeout']} s")
            time.sleep(1)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "namespace": {"type": "str", "required": True},
            "deployments": {"type": "list", "elements": "str", "required": True},
            "kubeconfig": {"type": "path"},
            "context": {"type": "str"},
            "timeout": {"type": "int", "default": 300},
            "ready_timeout": {"type": "int", "default": 40},
            "max_restarts": {"type": "int", "default": 1},
            "bake_seconds": {"type": "int", "default": 0},
            "analysis": {"type": "dict"},
            "since": {"type": "float"},
        },
        supports_check_mode=True,
    )
    Watch(module).run()


if __name__ == "__main__":
    main()
