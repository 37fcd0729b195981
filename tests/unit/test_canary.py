"""The canary analysis: a canary's requests against its stable pods' (Prometheus is a stub here; the
release scenario runs it against the real one)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location("canary", Path(__file__).resolve().parents[2] / "module_utils/canary.py")
assert _spec and _spec.loader
canary = importlib.util.module_from_spec(_spec)
sys.modules["canary"] = canary  # dataclasses look their module up
_spec.loader.exec_module(canary)

INF = float("inf")
FAST = {0.05: 0.9, 0.1: 1.0, INF: 1.0}  # share of requests per cumulative bucket
SLOW = {0.05: 0.0, 0.5: 0.1, 1.0: 1.0, INF: 1.0}


class Stub:
    """Counters by pod, as Prometheus would answer the analysis's three queries."""

    def __init__(self) -> None:
        self.pods: dict[str, tuple[float, float, dict[float, float]]] = {}

    def serve(self, pod: str, requests: float, errors: float = 0, shape: dict[float, float] = FAST) -> None:
        self.pods[pod] = (requests, errors, {le: share * requests for le, share in shape.items()})

    def vector(self, query: str) -> list[tuple[dict[str, str], float]]:
        assert "\\" not in query, f"PromQL strings take no regex escapes such as \\-: {query}"
        if "_bucket" in query:
            return [({"pod": p, "le": str(le)}, n) for p, (_, _, b) in self.pods.items() for le, n in b.items()]
        index = 1 if "5.." in query else 0
        return [({"pod": pod}, counts[index]) for pod, counts in self.pods.items() if counts[index]]


def analysis(stub: Stub) -> Any:
    return canary.Analysis(
        stub,
        "shop",
        {"product-api-canary": "product-api"},
        max_error_ratio=0.01,
        max_latency_ratio=2,
        min_requests=10,
    )


def test_quantile_interpolates_like_histogram_quantile() -> None:
    assert canary.quantile(0.5, {0.1: 50, 0.2: 100, INF: 100}) == pytest.approx(0.1)
    assert canary.quantile(0.95, {0.1: 50, 0.2: 100, INF: 100}) == pytest.approx(0.19)
    assert canary.quantile(0.95, {0.1: 0, INF: 0}) is None


def test_a_canary_answering_5xx_is_worse_than_stable_pods_that_do_not() -> None:
    stub = Stub()
    stub.serve("product-api-7d9f8-abcde", 1000)
    stub.serve("product-api-canary-5c6b7-fghij", 4, errors=2)
    judge = analysis(stub)
    assert judge.sample() is None, "no verdict on 4 requests"
    assert judge.missing() == ["product-api-canary"]
    stub.serve("product-api-canary-5c6b7-fghij", 13, errors=5)
    worse = judge.sample()
    assert worse is not None
    assert worse[0] == "product-api-canary"
    assert "5xx ratio 38.5% of 13 requests, stable pods 0.0% of 0" in worse[1]


def test_the_stable_pods_count_from_the_first_sample_and_a_canary_as_bad_as_them_passes() -> None:
    stub = Stub()
    stub.serve("product-api-7d9f8-abcde", 10_000, errors=10_000 * 0.3)  # hours of history, 30 % errors
    judge = analysis(stub)
    assert judge.sample() is None
    stub.serve("product-api-7d9f8-abcde", 10_100, errors=10_000 * 0.3 + 5)  # since then: 5 %
    stub.serve("product-api-canary-5c6b7-fghij", 20, errors=1)  # 5 %: as bad as the stable pods now
    assert judge.sample() is None
    assert judge.last["product-api-canary"]["stable"] == {"requests": 100, "error_ratio": 0.05, "p95_seconds": 0.075}
    assert judge.missing() == []


def test_a_slower_canary_is_worse_after_three_samples_in_a_row_and_its_first_requests_do_not_count() -> None:
    stub = Stub()
    stub.serve("product-api-7d9f8-abcde", 0)
    stub.serve("product-api-canary-5c6b7-fghij", 60, shape=SLOW)  # warming up before its first sample
    judge = analysis(stub)
    judge.sample()
    stub.serve("product-api-7d9f8-abcde", 500)
    stub.serve("product-api-canary-5c6b7-fghij", 90, shape=SLOW)
    assert judge.sample() is None, "30 requests since its first sample: not enough to judge its latency"
    stub.serve("product-api-canary-5c6b7-fghij", 120, shape=SLOW)
    assert judge.sample() is None
    assert judge.sample() is None
    worse = judge.sample()
    assert worse is not None
    assert "slower than the stable pods: 5xx ratio 0.0% of 60 requests, p95 972 ms" in worse[1]


def test_other_deployments_pods_are_not_counted() -> None:
    stub = Stub()
    stub.serve("product-api-extra-7d9f8-abcde", 100, errors=100)
    stub.serve("product-api-canary-5c6b7-fghij", 20)
    judge = analysis(stub)
    assert judge.sample() is None
    assert judge.last["product-api-canary"]["stable"]["requests"] == 0


def test_traffic_goes_only_to_http_urls() -> None:
    with pytest.raises(ValueError, match="not http"):
        canary.Traffic(["file:///etc/passwd"], 4)
