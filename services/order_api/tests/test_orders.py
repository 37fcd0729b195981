"""Orders against a real product-api: prices, reservations, idempotency, failure modes."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from techcommerce_common.errors import UpstreamUnavailableError


def stock_of(product_api: FlaskClient, product_id: int) -> int:
    return product_api.get(f"/api/products/{product_id}").get_json()["stock"]


def order(client: FlaskClient, *lines: tuple[int, int], key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/api/orders", json={"items": [{"product_id": p, "quantity": q} for p, q in lines]}, headers=headers
    )


def test_an_order_snapshots_prices_and_reserves_stock(client: FlaskClient, product_api: FlaskClient) -> None:
    before = stock_of(product_api, 5)
    response = order(client, (5, 2), (3, 1))
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "created"
    assert [(i["sku"], i["unit_price"], i["line_total"]) for i in body["items"]] == [
        ("MOUSE-WL", "49.90", "99.80"),
        ("MONITOR-27", "329.99", "329.99"),
    ]
    assert body["total"] == "429.79"
    assert stock_of(product_api, 5) == before - 2
    assert client.get(f"/api/orders/{body['id']}").get_json() == body
    assert client.get("/api/orders").get_json()["items"][0]["id"] == body["id"]


def test_a_retry_with_the_same_idempotency_key_returns_the_first_order(
    client: FlaskClient, product_api: FlaskClient
) -> None:
    before = stock_of(product_api, 1)
    first = order(client, (1, 1), key="checkout-42")
    retry = order(client, (1, 1), key="checkout-42")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.get_json()["id"] == first.get_json()["id"]
    assert stock_of(product_api, 1) == before - 1
    assert client.get("/api/orders").get_json()["total"] == 1
    reused = order(client, (2, 1), key="checkout-42")
    assert reused.status_code == 422
    assert reused.get_json()["error"] == "idempotency_key_reused"


def test_not_enough_stock_is_409_and_stores_nothing(client: FlaskClient, product_api: FlaskClient) -> None:
    available = stock_of(product_api, 2)
    response = order(client, (1, 1), (2, available + 1))
    assert response.status_code == 409
    assert response.get_json()["error"] == "insufficient_stock"
    assert stock_of(product_api, 2) == available
    assert client.get("/api/orders").get_json()["total"] == 0


def test_unknown_product_is_422(client: FlaskClient) -> None:
    response = order(client, (4242, 1))
    assert response.status_code == 422
    assert "4242" in response.get_json()["message"]


def test_cancel_releases_stock_once(client: FlaskClient, product_api: FlaskClient) -> None:
    before = stock_of(product_api, 6)
    order_id = order(client, (6, 3)).get_json()["id"]
    for _ in range(2):
        cancelled = client.post(f"/api/orders/{order_id}/cancel")
        assert cancelled.status_code == 200
        assert cancelled.get_json()["status"] == "cancelled"
    assert stock_of(product_api, 6) == before
    assert client.post("/api/orders/999/cancel").status_code == 404


def test_product_api_down_means_503_and_nothing_stored(client: FlaskClient, product_api: FlaskClient) -> None:
    client.application.extensions["product_api"].base_url = "http://127.0.0.1:9"  # nothing listens on discard
    response = order(client, (1, 1))
    assert response.status_code == 503
    assert response.get_json()["error"] == "upstream_unavailable"
    assert client.get("/api/orders").get_json()["total"] == 0
    # Readiness is order-api's own: an unreachable upstream does not take it out of its Service.
    assert client.get("/ready").get_json() == {"status": "ready", "service": "order-api", "checks": {"database": "ok"}}


def test_bad_requests_are_400(client: FlaskClient) -> None:
    assert client.post("/api/orders", json={"items": []}).status_code == 400
    assert client.post("/api/orders", json={"items": [{"product_id": 1, "quantity": 0}]}).status_code == 400
    assert client.post("/api/orders", data="nope", content_type="text/plain").status_code == 415
    assert order(client, (1, 1), key="spaces are not allowed").status_code == 400
    assert client.get(f"/api/orders/{2**40}").status_code == 404


def test_totals_are_the_exact_sum_of_their_lines(client: FlaskClient, product_api: FlaskClient) -> None:
    big = product_api.post(
        "/api/products", json={"sku": "BIG", "name": "Big", "price": "9999999999.99", "stock": 10_000}
    ).get_json()["id"]
    cent = product_api.post(
        "/api/products", json={"sku": "CENT", "name": "Cent", "price": "0.01", "stock": 1}
    ).get_json()
    dime = product_api.post(
        "/api/products", json={"sku": "DIME", "name": "Dime", "price": "0.10", "stock": 99}
    ).get_json()
    large = order(client, (big, 10_000), (cent["id"], 1))
    many = order(client, *[(dime["id"], 1)] * 49)  # 0.1 summed 49 times as floats is not 4.90
    for response, total in ((large, "99999999999900.01"), (many, "4.90")):
        assert response.status_code == 201
        body = response.get_json()
        assert body["total"] == total
        assert client.get(f"/api/orders/{body['id']}").get_json()["total"] == total


def test_a_key_whose_order_was_refused_can_be_used_again(
    client: FlaskClient, product_api: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream = client.application.extensions["product_api"]
    real = upstream.request

    def answer_lost(method: str, path: str, **kwargs):
        response = real(method, path, **kwargs)
        if path == "/api/reservations":
            raise UpstreamUnavailableError("product-api", "ReadTimeout")  # it landed, the answer did not
        return response

    before = stock_of(product_api, 1)
    monkeypatch.setattr(upstream, "request", answer_lost)
    assert order(client, (1, 1), key="checkout-7").status_code == 503
    assert stock_of(product_api, 1) == before
    monkeypatch.setattr(upstream, "request", real)
    retry = order(client, (1, 1), key="checkout-7")
    assert retry.status_code == 201, retry.get_json()
    assert stock_of(product_api, 1) == before - 1


def test_a_replay_answers_like_the_original_and_says_so(client: FlaskClient) -> None:
    first = order(client, (3, 1), key="checkout-9")
    replay = order(client, (3, 1), key="checkout-9")
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.get_json() == first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    assert replay.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("value", [True, "1", 1.0, 1e3])
def test_order_lines_take_strict_integers(client: FlaskClient, value: object) -> None:
    assert client.post("/api/orders", json={"items": [{"product_id": value, "quantity": 1}]}).status_code == 400
    assert client.post("/api/orders", json={"items": [{"product_id": 1, "quantity": value}]}).status_code == 400
