"""The app factory every service builds on."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from typing import TypeVar

from flask import Flask, Response, g, jsonify, request
from pydantic import BaseModel
from werkzeug.routing import IntegerConverter

from .errors import APIError, register_error_handlers
from .health import Check, health_blueprint
from .jsonbody import parse_json
from .logs import AccessLog, configure_logging
from .metrics import init_metrics

VERSION = "0.1.0"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
# Probes and scrapes would drown the requests users make, in the metrics and in the log.
_UNTRACKED = frozenset({"/health", "/ready", "/metrics"})

M = TypeVar("M", bound=BaseModel)


class AsciiIntConverter(IntegerConverter):
    # Werkzeug's \d also matches other scripts' digits (full-width, Arabic-Indic): /api/products/<U+FF11> is not 1.
    regex = r"[0-9]+"


def create_service_app(service: str, log_level: str, readiness: Mapping[str, Check]) -> Flask:
    """A Flask app with request ids, JSON logs and errors, metrics, /health and /ready."""
    access_log = AccessLog(service, configure_logging(service, log_level))
    app = Flask(service)
    app.url_map.converters["int"] = AsciiIntConverter
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    metrics = init_metrics(app, service, VERSION)

    # One hook each way for ids, metrics and the access line: Flask pays per hook and request.
    @app.before_request
    def _start() -> None:
        # From the WSGI environ: request.headers would build a headers view for this one read.
        incoming = request.environ.get("HTTP_X_REQUEST_ID", "")
        # An untrusted id goes into every log line: accept only a safe shape.
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.request_id
        response.headers["X-Request-ID"] = request_id
        path = request.path
        if path not in _UNTRACKED:
            seconds = time.perf_counter() - g.started
            method, status = request.method, response.status_code
            metrics.observe(method, request.endpoint, status, seconds)
            access_log.write(request_id, method, path, status, seconds)
        return response

    register_error_handlers(app)
    app.register_blueprint(health_blueprint(service, readiness))
    return app


def json_body(model: type[M]) -> M:
    """The request's JSON object validated against `model` (pydantic errors become 400)."""
    if not request.is_json:
        raise APIError(415, "unsupported_media_type", "send the body as application/json")
    data = parse_json(request.get_data())
    if not isinstance(data, dict):
        raise APIError(400, "invalid_request", "request body must be a JSON object")
    return model.model_validate(data)


def created(body: dict[str, object], replayed: bool) -> tuple[Response, int]:
    """201 for what a POST created, and the same 201 and body when a retry found it already
    made, marked as a replay (the payment APIs' contract), so a retry reads like the original."""
    response = jsonify(body)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201
