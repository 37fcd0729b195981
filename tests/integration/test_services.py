"""The three services under gunicorn, talking HTTP to each other, backed by PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from tests.integration.stack import Service


def stock(stack: dict[str, Service], product_id: int) -> int:
    return requests.get(f"{stack['product-api'].url}/api/products/{product_id}", timeout=5).json()["stock"]


def test_an_order_through_the_frontend_reduces_stock(stack: dict[str, Service]) -> None:
    before = stock(stack, 3)
    response = requests.post(
        f"{stack['frontend'].url}/orders",
        json={"items": [{"product_id": 3, "quantity": 2}]},
        headers={"X-Request-ID": "integration-req-1"},
        timeout=10,
    )
    assert response.status_code == 201
    assert stock(stack, 3) == before - 2
    order = requests.get(f"{stack['order-api'].url}/api/orders/{response.json()['id']}", timeout=5).json()
    assert order["items"][0]["sku"] == "MONITOR-27"
    # The request id travels frontend -> order-api -> product-api and appears in every log.
    for name in ("frontend", "order-api", "product-api"):
        assert '"request_id": "integration-req-1"' in stack[name].log.read_text(), name


def test_concurrent_orders_for_the_last_item_sell_it_once(stack: dict[str, Service]) -> None:
    requests.patch(f"{stack['product-api'].url}/api/products/2", json={"stock": 1}, timeout=5).raise_for_status()

    def buy(_: int) -> int:
        body = {"items": [{"product_id": 2, "quantity": 1}]}
        return requests.post(f"{stack['frontend'].url}/orders", json=body, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(buy, range(10)))
    assert sorted(statuses) == [201] + [409] * 9
    assert stock(stack, 2) == 0


def test_product_api_down_refuses_orders_and_reserves_nothing(stack: dict[str, Service]) -> None:
    before = stock(stack, 1)
    orders_before = requests.get(f"{stack['order-api'].url}/api/orders", timeout=5).json()["total"]
    stack["product-api"].kill()

    response = requests.post(
        f"{stack['frontend'].url}/orders", json={"items": [{"product_id": 1, "quantity": 1}]}, timeout=30
    )
    assert response.status_code == 503
    assert response.json()["error"] == "upstream_unavailable"
    # Readiness does not cascade: both callers stay in their Services and answer what they can.
    for name in ("order-api", "frontend"):
        assert requests.get(f"{stack[name].url}/ready", timeout=10).status_code == 200, name
    assert requests.get(f"{stack['frontend'].url}/orders", timeout=10).status_code == 200
    assert requests.get(f"{stack['frontend'].url}/", timeout=10).status_code == 503

    stack["product-api"].start()
    assert stock(stack, 1) == before
    assert requests.get(f"{stack['order-api'].url}/api/orders", timeout=5).json()["total"] == orders_before


def test_metrics_add_up_across_gunicorn_workers(stack: dict[str, Service]) -> None:
    url = stack["product-api"].url
    for _ in range(20):
        requests.get(f"{url}/api/products/1", timeout=5).raise_for_status()
    metrics = requests.get(f"{url}/metrics", timeout=5).text
    counts = [
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("flask_http_request_duration_seconds_count") and 'endpoint="products.get_product"' in line
    ]
    assert counts == [20.0]
