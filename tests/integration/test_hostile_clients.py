"""product-api under gunicorn against clients that break HTTP or crawl through it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.integration.stack import Service


@pytest.fixture(scope="module")
def product_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = Service("product_api", tmp_path_factory.mktemp("hostile"), {})
    service.start()
    yield service
    service.stop()


def raw(service: Service, request: bytes) -> tuple[str, bytes]:
    """Send bytes as they are; return the status line and the body."""
    with socket.create_connection(("127.0.0.1", service.port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower(), head
    return head.split(b"\r\n")[0].decode(), body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /api/products HTTP/1.1\r\nHost: x\r\nX-Bad\x01: 1\r\n\r\n", 400),
        (b"GET /api/products HTTP/1.1\r\nHost: x\r\nX-Request-ID: " + b"a" * 10_000 + b"\r\n\r\n", 431),
        (b"GET /api/products?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /api/products HTTP/1.1\r\nHost: x\r\n" + b"X-A: 1\r\n" * 101 + b"\r\n", 431),
    ],
    ids=["bad-header-bytes", "huge-request-id", "long-request-line", "too-many-headers"],
)
def test_what_gunicorn_refuses_is_refused_in_json(product_api: Service, request_bytes: bytes, status: int) -> None:
    status_line, body = raw(product_api, request_bytes)
    assert status_line.startswith(f"HTTP/1.1 {status} ")
    assert b'"error"' in body


def test_fifty_slow_clients_do_not_starve_normal_requests(product_api: Service) -> None:
    """50 connections send their headers one byte every 0.5 s; >= 99 % of normal requests answer within 1 s."""
    stop = threading.Event()
    slow = [socket.create_connection(("127.0.0.1", product_api.port)) for _ in range(50)]

    def crawl() -> None:
        request = b"GET /api/products HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 100 + b"\r\n\r\n"
        for byte in request:
            for sock in slow:
                sock.send(bytes([byte]))
            if stop.wait(0.5):
                return

    crawler = threading.Thread(target=crawl, daemon=True)
    crawler.start()
    time.sleep(1.5)  # every slow connection has started its request

    def timed(_: int) -> float:
        started = time.monotonic()
        try:
            requests.get(f"{product_api.url}/api/products/1", timeout=5).raise_for_status()
        except requests.RequestException:
            return float("inf")
        return time.monotonic() - started

    with ThreadPoolExecutor(max_workers=4) as pool:
        durations = list(pool.map(timed, range(200)))
    stop.set()
    crawler.join()
    for sock in slow:
        sock.close()
    within = sum(d <= 1.0 for d in durations) / len(durations)
    print(f"slow clients: {within:.1%} of {len(durations)} requests within 1 s, slowest {max(durations):.3f} s")
    assert within >= 0.99


def test_sigterm_lets_in_flight_requests_finish(tmp_path: Path) -> None:
    service = Service("product_api", tmp_path, {})
    service.start()
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as sock:
        sock.sendall(b"GET /api/products/1 HTTP/1.1\r\nHost: x\r\n")  # headers not finished yet
        time.sleep(0.3)
        assert service.process
        service.process.terminate()
        time.sleep(0.3)
        sock.sendall(b"Connection: close\r\n\r\n")
        answer = sock.recv(65536)
    service.process.wait(timeout=30)
    assert answer.startswith(b"HTTP/1.1 200")


def test_a_keepalive_connection_is_closed_after_its_requests_so_callers_spread_over_new_pods(
    product_api: Service,
) -> None:
    """A pooled connection stays on the pod it was opened to; gunicorn closes it after 20 requests."""
    with requests.Session() as session:
        answers = [session.get(f"{product_api.url}/health", timeout=5) for _ in range(45)]
    closing = [number for number, answer in enumerate(answers, 1) if answer.headers.get("Connection") == "close"]
    assert closing == [20, 40], closing
    assert all(answer.ok for answer in answers)
