"""Prometheus metrics: multiprocess under gunicorn, in-process otherwise."""

from __future__ import annotations

import os

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_flask_exporter import PrometheusMetrics
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

_Children = tuple[Histogram, Counter]
_ZEROED_METHODS = ("GET", "POST")
_ZEROED_STATUSES = (500, 502, 503, 504)


class RequestMetrics:
    """The exporter's default request metrics, with the names, labels and buckets the alerts and
    dashboards query, observed from the app's own after_request hook.

    The exporter's hooks (a regex per excluded path, a labels() lookup per metric, several
    request-proxy reads) cost about a fifth of a catalog request; here a label set's children
    are looked up once per process. Its exceptions counter is not kept: every exception reaches
    the app's 500 handler, so its teardown hook never counted one; those requests count as 500s.
    """

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self._service = service
        # Labelling by Flask endpoint, not path, keeps /api/products/<id> one series.
        self._duration = Histogram(
            "flask_http_request_duration_seconds",
            "Flask HTTP request duration in seconds",
            ("method", "endpoint", "status", "service"),
            registry=registry,
        )
        self._total = Counter(
            "flask_http_request_total",
            "Total number of HTTP requests",
            ("method", "status", "service"),
            registry=registry,
        )
        self._children: dict[tuple[str, str | None, int], _Children] = {}
        # The server-error series exist at 0 from the start (Prometheus' advice: initialise your
        # metrics). A series born with its first 500 has no earlier sample, so rate() and increase()
        # miss that error: the release's and the alerts' 5xx shares would not see a pod's first errors.
        for method in _ZEROED_METHODS:
            for status in _ZEROED_STATUSES:
                self._total.labels(method, status, service)

    def observe(self, method: str, endpoint: str | None, status: int, seconds: float) -> None:
        key = (method, endpoint, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self._duration.labels(method, endpoint, status, self._service),
                self._total.labels(method, status, self._service),
            )
        children[0].observe(seconds)
        children[1].inc()


def init_metrics(app: Flask, service: str, version: str) -> RequestMetrics:
    """/metrics on the app, build information, and the request metrics for the app's hooks."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics: PrometheusMetrics = GunicornInternalPrometheusMetrics(app, export_defaults=False)
    else:
        metrics = PrometheusMetrics(app, export_defaults=False, registry=CollectorRegistry(auto_describe=True))
    metrics.info("flask_exporter_info", "Information about the Prometheus Flask exporter", version=metrics.version)
    metrics.info("techcommerce_app_info", "Service build information", service=service, version=version)
    return RequestMetrics(metrics.registry, service)
