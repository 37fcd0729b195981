"""Prometheus metrics: multiprocess under gunicorn, in-process otherwise."""

from __future__ import annotations

import os

from flask import Flask
from prometheus_client import CollectorRegistry
from prometheus_flask_exporter import PrometheusMetrics
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

# Probes and scrapes would drown the request metrics users care about.
_EXCLUDED = [r"^/health$", r"^/ready$", r"^/metrics$"]


def init_metrics(app: Flask, service: str, version: str) -> PrometheusMetrics:
    # Labelling by Flask endpoint, not path, keeps /api/products/<id> one series.
    options = {"group_by": "endpoint", "default_labels": {"service": service}, "excluded_paths": _EXCLUDED}
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics: PrometheusMetrics = GunicornInternalPrometheusMetrics(app, **options)
    else:
        metrics = PrometheusMetrics(app, registry=CollectorRegistry(auto_describe=True), **options)
    metrics.info("techcommerce_app_info", "Service build information", service=service, version=version)
    return metrics
