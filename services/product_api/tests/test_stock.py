"""Reservations: atomic, all-or-nothing, idempotent, never overselling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask.testing import FlaskClient


def stock_of(client: FlaskClient, product_id: int) -> int:
    return client.get(f"/api/products/{product_id}").get_json()["stock"]


def reserve(client: FlaskClient, rid: str, *lines: tuple[int, int]):
    items = [{"product_id": p, "quantity": q} for p, q in lines]
    return client.post("/api/reservations", json={"id": rid, "items": items})


def test_reserve_takes_stock_and_release_gives_it_back_once(client: FlaskClient) -> None:
    before = stock_of(client, 1)
    assert reserve(client, "r-1", (1, 2), (1, 1)).status_code == 201
    assert stock_of(client, 1) == before - 3
    for _ in range(2):
        released = client.post("/api/reservations/r-1/release")
        assert released.get_json()["status"] == "released"
    assert stock_of(client, 1) == before


def test_a_retried_reservation_reserves_once(client: FlaskClient) -> None:
    before = stock_of(client, 2)
    first, retry = reserve(client, "order-7", (2, 4)), reserve(client, "order-7", (2, 4))
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == first.get_json()
    assert stock_of(client, 2) == before - 4
    assert reserve(client, "order-7", (2, 5)).status_code == 409


def test_insufficient_stock_reserves_nothing(client: FlaskClient) -> None:
    stock1, stock2 = stock_of(client, 1), stock_of(client, 2)
    response = reserve(client, "too-much", (1, 1), (2, stock2 + 1))
    assert response.status_code == 409
    assert response.get_json()["details"] == {"product_id": 2, "available": stock2, "requested": stock2 + 1}
    assert (stock_of(client, 1), stock_of(client, 2)) == (stock1, stock2)
    assert client.get("/api/reservations/too-much").status_code == 404


def test_unknown_product_is_422(client: FlaskClient) -> None:
    response = reserve(client, "ghost", (999, 1))
    assert response.status_code == 422
    assert response.get_json()["error"] == "unknown_product"


def test_release_before_reserve_blocks_the_late_reservation(client: FlaskClient) -> None:
    # The order-api releases after a timed-out reserve; if that reserve lands
    # afterwards it must not take stock that no order will ever release.
    before = stock_of(client, 3)
    assert client.post("/api/reservations/late-1/release").status_code == 200
    assert reserve(client, "late-1", (3, 1)).status_code == 409
    assert stock_of(client, 3) == before


def test_concurrent_reservations_never_oversell(app: Flask) -> None:
    client = app.test_client()
    client.patch("/api/products/4", json={"stock": 5})

    def attempt(n: int) -> int:
        return reserve(app.test_client(), f"race-{n}", (4, 1)).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert statuses.count(201) == 5
    assert statuses.count(409) == 15
    assert stock_of(client, 4) == 0
