"""Prices exact in every store, integers strict, text valid Unicode; old tables converted in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from product_api.app import create_app
from product_api.settings import ProductSettings


def product(client: FlaskClient, **fields: object):
    return client.post("/api/products", json={"sku": "P-1", "name": "Thing", "price": "1.00", **fields})


@pytest.mark.parametrize("price", ["-0.00", "-0.01", -1, "0.001", "NaN", "1e400"])
def test_a_price_without_a_sign_and_in_cents(client: FlaskClient, price: object) -> None:
    assert product(client, price=price).status_code == 400


def test_a_price_reads_back_in_one_canonical_form(client: FlaskClient) -> None:
    created = product(client, price="9999999999.99").get_json()
    assert created["price"] == "9999999999.99"
    assert client.get(f"/api/products/{created['id']}").get_json()["price"] == "9999999999.99"
    assert product(client, sku="P-2", price="1E+1").get_json()["price"] == "10.00"


@pytest.mark.parametrize("value", [True, "5", 5.0])
def test_stock_is_a_strict_integer(client: FlaskClient, value: object) -> None:
    assert product(client, stock=value).status_code == 400
    assert client.patch("/api/products/1", json={"stock": value}).status_code == 400
    assert (
        client.post("/api/reservations", json={"id": "r1", "items": [{"product_id": 1, "quantity": value}]}).status_code
        == 400
    )


def test_text_must_be_valid_unicode(client: FlaskClient) -> None:
    response = client.post(
        "/api/products",
        data='{"sku": "P-1", "name": "bad \\ud800", "price": "1.00"}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert client.get("/api/products/\uff11").status_code == 404  # full-width 1 is not an id


def test_a_table_from_before_cents_is_converted_at_start(database_url: str, tmp_path: Path) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE products (id INTEGER PRIMARY KEY, sku VARCHAR(64) UNIQUE NOT NULL, name VARCHAR(200)"
                " NOT NULL, description TEXT NOT NULL, price NUMERIC(12, 2) NOT NULL, stock INTEGER NOT NULL,"
                " updated_at TIMESTAMP NOT NULL)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO products VALUES (1, 'OLD-1', 'Old', '', 19.99, 3, CURRENT_TIMESTAMP),"
                " (2, 'OLD-2', 'Older', '', 0.10, 1, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    client = create_app(ProductSettings(database_url=database_url, data_dir=tmp_path)).test_client()
    assert [p["price"] for p in client.get("/api/products").get_json()["items"]] == ["19.99", "0.10"]
    assert client.patch("/api/products/1", json={"price": "20.01"}).get_json()["price"] == "20.01"
