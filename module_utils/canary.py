"""Canary analysis for rollout_watch: each canary pod's requests against its Deployment's stable pods,
read from Prometheus through the API server's service proxy every second (Argo Rollouts' analysis
without a mesh: the canary pod carries the Service's labels and takes a replica's share of its traffic).
Also a steady trickle of reads through the shop (Flagger's load tester), so that a quiet environment
still gives the evidence a verdict needs."""

from __future__ import annotations

import http.client
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Below this p95 a slower canary is not worth a rollback: half the latency alert's budget.
LATENCY_FLOOR_SECONDS = 0.25
# A p95 above the bound in this many samples in a row (one slow sample is a hiccup, not a version).
SLOW_SAMPLES = 3
# The p95 is judged only over this many times the requests an error ratio needs.
LATENCY_REQUESTS_FACTOR = 5

Buckets = dict[float, float]


def quantile(q: float, buckets: Buckets) -> float | None:
    """histogram_quantile() over cumulative bucket counts: linear within the bucket holding the rank."""
    ordered = sorted(buckets.items())
    if not ordered or ordered[-1][1] <= 0:
        return None
    rank = q * ordered[-1][1]
    lower, below = 0.0, 0.0
    for upper, count in ordered:
        if count >= rank:
            if math.isinf(upper):
                return lower
            return lower + (upper - lower) * (rank - below) / (count - below) if count > below else upper
        lower, below = upper, count
    return None


@dataclass
class Sample:
    """Counters of some pods: requests, 5xx, latency buckets."""

    requests: float = 0.0
    errors: float = 0.0
    buckets: Buckets = field(default_factory=dict)

    def add(self, other: Sample) -> None:
        self.requests += other.requests
        self.errors += other.errors
        for le, count in other.buckets.items():
            self.buckets[le] = self.buckets.get(le, 0.0) + count

    def since(self, earlier: Sample | None) -> Sample:
        """What was counted after `earlier` (a pod restarted since counts from zero)."""
        if earlier is None or self.requests < earlier.requests:
            return self
        return Sample(
            self.requests - earlier.requests,
            max(self.errors - earlier.errors, 0.0),
            {le: max(count - earlier.buckets.get(le, 0.0), 0.0) for le, count in self.buckets.items()},
        )

    @property
    def error_ratio(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    @property
    def p95(self) -> float | None:
        return quantile(0.95, self.buckets)

    def describe(self) -> str:
        p95 = self.p95
        latency = f", p95 {p95 * 1000:.0f} ms" if p95 is not None else ""
        return f"5xx ratio {self.error_ratio:.1%} of {self.requests:.0f} requests{latency}"

    def report(self) -> dict[str, Any]:
        p95 = self.p95
        return {
            "requests": round(self.requests),
            "error_ratio": round(self.error_ratio, 4),
            "p95_seconds": None if p95 is None else round(p95, 3),
        }


class Prometheus:
    """Instant queries through the API server's service proxy: wherever the kubeconfig reaches the
    cluster, with its credentials; no port-forward and no NodePort."""

    def __init__(self, api: Any, namespace: str, service: str) -> None:
        self.api = api
        self.path = f"/api/v1/namespaces/{namespace}/services/{service}/proxy/api/v1/query"

    def vector(self, query: str) -> list[tuple[dict[str, str], float]]:
        method, url, headers, _, _ = self.api.param_serialize(
            "GET", self.path, query_params=[("query", query)], auth_settings=["BearerToken"]
        )
        response = self.api.call_api(method, url, header_params=headers, _request_timeout=5)
        response.read()
        answer = json.loads(response.data)
        if answer.get("status") != "success":
            raise ValueError(f"Prometheus refused {query!r}: {answer.get('error', answer)}")
        return [(series["metric"], float(series["value"][1])) for series in answer["data"]["result"]]


class Analysis:
    """Samples every canary and its stable pods. The canary's requests and 5xx count from its pod's
    start; the stable pods' from their first sample, so both cover the same moments of traffic. Latency
    is compared over requests after each pod's first sample: a new pod's first requests (connections
    and pools being opened) are slower, and would count against a good version."""

    def __init__(
        self,
        prometheus: Prometheus,
        namespace: str,
        canaries: dict[str, str],
        *,
        max_error_ratio: float,
        max_latency_ratio: float,
        min_requests: int,
    ) -> None:
        self.prometheus, self.canaries = prometheus, canaries
        self.max_error_ratio = max_error_ratio
        self.max_latency_ratio = max_latency_ratio
        self.min_requests = min_requests
        # Deployment names are DNS labels: nothing in them needs quoting in PromQL or a regex.
        names = "|".join(sorted({*canaries, *canaries.values()}))
        self.selector = f'namespace="{namespace}",pod=~"({names})-.*"'
        self.seen: dict[str, Sample] = {}  # each pod's first sample
        self.slow: dict[str, int] = dict.fromkeys(canaries, 0)
        self.last: dict[str, dict[str, Any]] = {}

    def _by_pod(self) -> dict[str, Sample]:
        pods: dict[str, Sample] = {}
        for labels, value in self.prometheus.vector(f"sum by (pod) (flask_http_request_total{{{self.selector}}})"):
            pods.setdefault(labels["pod"], Sample()).requests = value
        errors = f'sum by (pod) (flask_http_request_total{{{self.selector},status=~"5.."}})'
        for labels, value in self.prometheus.vector(errors):
            pods.setdefault(labels["pod"], Sample()).errors = value
        buckets = f"sum by (pod, le) (flask_http_request_duration_seconds_bucket{{{self.selector}}})"
        for labels, value in self.prometheus.vector(buckets):
            pods.setdefault(labels["pod"], Sample()).buckets[float(labels["le"])] = value
        return pods

    def _of(self, deployment: str, pods: dict[str, Sample], since: dict[str, Sample] | None) -> Sample:
        # <deployment>-<replicaset hash>-<pod suffix>: a canary's pods are not its stable Deployment's.
        mine = re.compile(re.escape(deployment) + r"-[a-z0-9]+-[a-z0-9]+")
        total = Sample()
        for pod, sample in pods.items():
            if mine.fullmatch(pod):
                total.add(sample.since((since or {}).get(pod)))
        return total

    def sample(self) -> tuple[str, str] | None:
        """One round of queries; the canary worse than its stable pods and why, or None."""
        pods = self._by_pod()
        for pod, sample in pods.items():
            self.seen.setdefault(pod, sample)
        for canary, stable in self.canaries.items():
            new, old = self._of(canary, pods, None), self._of(stable, pods, self.seen)
            self.last[canary] = {"canary": new.report(), "stable": old.report()}
            if new.requests >= self.min_requests and new.error_ratio > old.error_ratio + self.max_error_ratio:
                return canary, (
                    f"the canary is worse than the stable pods: 5xx ratio {new.error_ratio:.1%} of "
                    f"{new.requests:.0f} requests, stable pods {old.error_ratio:.1%} of {old.requests:.0f} "
                    f"(at most {self.max_error_ratio:.1%} more)"
                )
            warm = self._of(canary, pods, self.seen)
            new_p95, old_p95 = warm.p95, old.p95
            bound = max((old_p95 or 0.0) * self.max_latency_ratio, LATENCY_FLOOR_SECONDS)
            judged = warm.requests >= self.min_requests * LATENCY_REQUESTS_FACTOR and old_p95 is not None
            self.slow[canary] = self.slow[canary] + 1 if judged and new_p95 is not None and new_p95 > bound else 0
            if self.slow[canary] >= SLOW_SAMPLES:
                return canary, (
                    f"the canary is slower than the stable pods: {warm.describe()}, stable pods "
                    f"{old.describe()} (at most {self.max_latency_ratio}x and {LATENCY_FLOOR_SECONDS * 1000:.0f} ms), "
                    f"{SLOW_SAMPLES} samples in a row"
                )
        return None

    def missing(self) -> list[str]:
        """The canaries without enough requests in Prometheus for a verdict."""
        served = {canary: last["canary"]["requests"] for canary, last in self.last.items()}
        return [canary for canary in self.canaries if served.get(canary, 0) < self.min_requests]


class Traffic(threading.Thread):
    """GETs the URLs in turn at a fixed rate until stopped, a new connection each (spread over pods)."""

    def __init__(self, urls: list[str], rate: float) -> None:
        super().__init__(daemon=True)
        for url in urls:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"canary traffic URL {url!r} is not http(s)")
        self.urls, self.rate = urls, rate
        self.stopped = threading.Event()
        self.sent = self.failed = 0

    def _get(self, url: str) -> bool:
        parts = urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = kind(parts.netloc, timeout=5)
        try:
            connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
            return connection.getresponse().status < 500
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()

    def run(self) -> None:
        start = time.monotonic()
        while not self.stopped.is_set():
            self.failed += not self._get(self.urls[self.sent % len(self.urls)])
            self.sent += 1
            self.stopped.wait(max(start + self.sent / self.rate - time.monotonic(), 0))

    def report(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed}
