"""Liveness (/health) and readiness (/ready) endpoints."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from flask import Blueprint, Response, jsonify

log = logging.getLogger(__name__)

Check = Callable[[], None]


def health_blueprint(service: str, checks: Mapping[str, Check]) -> Blueprint:
    """/health says the process serves; /ready runs the checks of its own ability to serve (its database).

    Never an upstream: one service down would take every caller out of its Service with it.
    """
    bp = Blueprint("health", __name__)

    @bp.get("/health")
    def health() -> Response:
        return jsonify(status="healthy", service=service)

    @bp.get("/ready")
    def ready() -> tuple[Response, int]:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - any failure means not ready
                log.warning("readiness check %s failed: %s", name, exc)
                results[name] = f"failed: {type(exc).__name__}"
        ok = all(v == "ok" for v in results.values())
        body = jsonify(status="ready" if ok else "not_ready", service=service, checks=results)
        return body, 200 if ok else 503

    return bp
