"""The storefront under hostile input, a slow order-api and missing APIs."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask, Response, request
from flask.testing import FlaskClient

from frontend.app import create_app
from frontend.settings import FrontendSettings


def storefront(api: str, timeout: float = 1) -> FlaskClient:
    return create_app(FrontendSettings(product_api_url=api, order_api_url=api, upstream_timeout=timeout)).test_client()


def test_every_forwarded_order_has_a_key_so_a_slow_order_api_stores_one_order(
    serve: Callable[[Flask], str],
) -> None:
    keys: list[str | None] = []
    slow = Flask("slow-order-api")

    @slow.post("/api/orders")
    def create() -> Response:
        keys.append(request.headers.get("Idempotency-Key"))
        time.sleep(0.4)  # longer than the frontend waits
        return Response('{"id": 1}', status=201, content_type="application/json")

    shop = storefront(serve(slow), timeout=0.2)
    assert shop.post("/orders", json={"items": [{"product_id": 1, "quantity": 1}]}).status_code == 503
    assert len(keys) == 3  # retried, each time with the one key the frontend gave it
    assert keys[0] and len(set(keys)) == 1
    shop.post("/order", data={"product_id": 1, "quantity": 1})
    assert keys[3] and len(set(keys[3:])) == 1  # a form without a token gets a key too


@pytest.mark.parametrize("token", ["a\x00b", "caf\u00e9\u20ac", "a\r\nX-Injected: 1"])
def test_a_damaged_form_token_is_a_400_page(shop: FlaskClient, token: str) -> None:
    response = shop.post("/order", data={"product_id": 1, "quantity": 1, "token": token})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "reload the product page" in response.get_data(as_text=True)


def test_html_routes_answer_errors_with_a_page_and_json_routes_with_json(shop: FlaskClient) -> None:
    for response, status in (
        (shop.get("/no-such-page"), 404),
        (shop.delete("/"), 405),
        (shop.post("/order", data={"token": "x" * 2_000_000}), 413),
    ):
        assert (response.status_code, response.mimetype) == (status, "text/html")
    assert "GET" in shop.delete("/").headers["Allow"]
    assert shop.get("/orders/no-such").is_json
    unsupported = shop.post("/orders", data='{"items": []}', content_type="text/plain")
    assert (unsupported.status_code, unsupported.is_json) == (415, True)


def test_an_upstream_answer_that_is_not_json_is_not_relayed_as_json(serve: Callable[[Flask], str]) -> None:
    html = Flask("html-api")

    @html.get("/api/products")
    def products() -> Response:
        return Response("<html>Bad Request</html>", status=400, content_type="text/html")

    response = storefront(serve(html)).get("/products")
    assert response.status_code == 502
    assert response.get_json()["error"] == "upstream_error"


def test_with_both_apis_down_the_frontend_stays_ready_and_says_sorry() -> None:
    shop = storefront("http://127.0.0.1:9")  # nothing listens on discard
    assert shop.get("/ready").status_code == 200
    assert shop.get("/health").status_code == 200
    catalog = shop.get("/")
    assert (catalog.status_code, catalog.mimetype) == (503, "text/html")
    assert "not reachable right now" in catalog.get_data(as_text=True)
