"""The shared behaviour every service gets from techcommerce_common."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from flask import Flask, abort, jsonify
from sqlalchemy.exc import OperationalError

from techcommerce_common.app import create_service_app
from techcommerce_common.db import Database
from techcommerce_common.errors import UpstreamUnavailableError
from techcommerce_common.upstream import Upstream


def make_app() -> Flask:
    app = create_service_app("demo", "INFO", {})

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/teapot")
    def teapot() -> None:
        abort(418)

    @app.get("/items/<int:item_id>")
    def item(item_id: int):
        return jsonify(id=item_id)

    return app


def test_a_bad_environment_variable_stops_start_up_with_a_clear_message() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from product_api.app import create_app; create_app()"],
        env={"UPSTREAM_TIMEOUT": "soon", "LOG_LEVEL": "LOUD", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "UPSTREAM_TIMEOUT" in result.stderr
    assert "LOG_LEVEL" in result.stderr
    assert "Traceback" not in result.stderr


def test_request_id_is_echoed_or_generated() -> None:
    client = make_app().test_client()
    assert client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    generated = client.get("/health", headers={"X-Request-ID": 'bad id" forged="x'}).headers["X-Request-ID"]
    assert len(generated) == 32
    assert " " not in generated


def test_each_request_leaves_one_json_access_line_probes_none(capsys: pytest.CaptureFixture[str]) -> None:
    client = make_app().test_client()
    client.get("/items/7", headers={"X-Request-ID": "req-7"})
    client.get("/health")
    client.get("/nope/%22%E2%82%AC%0A")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    assert (lines[1]["path"], lines[1]["status"]) == ('/nope/"\u20ac\n', 404)
    line = lines[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line.pop("time"))
    assert isinstance(line.pop("duration_ms"), float)
    assert line == {
        "level": "INFO",
        "logger": "access",
        "message": "request",
        "service": "demo",
        "request_id": "req-7",
        "method": "GET",
        "path": "/items/7",
        "status": 200,
    }


def test_every_error_is_json_without_internals() -> None:
    client = make_app().test_client()
    crash = client.get("/boom")
    assert crash.status_code == 500
    assert crash.get_json()["message"] == "internal server error"
    assert "secret internals" not in crash.get_data(as_text=True)
    assert client.get("/teapot").get_json()["error"] == "i'm_a_teapot"
    not_allowed = client.post("/health")
    assert not_allowed.status_code == 405
    assert "GET" in not_allowed.headers["Allow"]


def test_metrics_are_grouped_by_endpoint_not_path() -> None:
    client = make_app().test_client()
    for n in range(5):
        client.get(f"/items/{n}")
    metrics = client.get("/metrics").get_data(as_text=True)
    series = [
        line
        for line in metrics.splitlines()
        if line.startswith("flask_http_request_duration_seconds_count") and 'endpoint="item"' in line
    ]
    assert len(series) == 1
    assert series[0].endswith(" 5.0")
    assert 'service="demo"' in series[0]


def test_server_error_series_exist_at_zero_before_the_first_error() -> None:
    """A series born with its first 500 is invisible to rate() and increase() until its second."""
    metrics = make_app().test_client().get("/metrics").get_data(as_text=True)
    for status in ("500", "502", "503", "504"):
        assert f'flask_http_request_total{{method="GET",service="demo",status="{status}"}} 0.0' in metrics


def test_upstream_retries_a_bounded_number_of_times(serve: Callable[[Flask], str]) -> None:
    calls = []
    flaky = Flask("flaky")

    @flaky.get("/x")
    def x():
        calls.append(1)
        return "busy", 503

    upstream = Upstream("flaky", serve(flaky), timeout=1, retries=2)
    with pytest.raises(UpstreamUnavailableError, match="HTTP 503"):
        upstream.request("GET", "/x")
    assert len(calls) == 3


def test_start_up_waits_for_the_database_then_gives_up_clearly() -> None:
    # Port 9 (discard) refuses connections: the database "is not up".
    db = Database("postgresql+psycopg://u:p@127.0.0.1:9/x")
    started = time.monotonic()
    with pytest.raises(OperationalError):
        db.wait_until_reachable(timeout=1.5)
    assert 1.0 <= time.monotonic() - started < 5
