"""Catalog CRUD as a client sees it, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask.testing import FlaskClient

from product_api.app import create_app
from product_api.catalog_cache import CatalogCache
from product_api.seed import CATALOG
from product_api.settings import ProductSettings

NEW = {"sku": "CABLE-HDMI", "name": "HDMI cable", "description": "2 m", "price": "12.30", "stock": 7}


def test_fresh_database_is_seeded_with_the_catalog(client: FlaskClient) -> None:
    body = client.get("/api/products?per_page=100").get_json()
    assert body["total"] == len(CATALOG)
    assert [p["sku"] for p in body["items"]] == [row[0] for row in CATALOG]


def test_prices_are_exact_decimal_strings(client: FlaskClient) -> None:
    created = client.post("/api/products", json={**NEW, "price": 0.1}).get_json()
    assert created["price"] == "0.10"
    assert client.get(f"/api/products/{created['id']}").get_json()["price"] == "0.10"


def test_pagination_and_name_filter(client: FlaskClient) -> None:
    page2 = client.get("/api/products?per_page=3&page=2").get_json()
    assert [p["id"] for p in page2["items"]] == [4, 5, 6]
    assert page2["total"] == len(CATALOG)
    laptops = client.get("/api/products?name=LAPTOP").get_json()
    assert {p["sku"] for p in laptops["items"]} == {"LAPTOP-14", "LAPTOP-16"}
    # LIKE wildcards in the search are literal characters, not patterns.
    assert client.get("/api/products?name=%25").get_json()["total"] == 0


def test_create_get_update_delete(client: FlaskClient) -> None:
    response = client.post("/api/products", json=NEW)
    assert response.status_code == 201
    product = response.get_json()
    assert product | {"id": 0} == {**NEW, "id": 0}

    updated = client.patch(f"/api/products/{product['id']}", json={"price": "11.00", "stock": 3}).get_json()
    assert (updated["price"], updated["stock"], updated["name"]) == ("11.00", 3, NEW["name"])

    assert client.delete(f"/api/products/{product['id']}").status_code == 204
    missing = client.get(f"/api/products/{product['id']}")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"


def test_duplicate_sku_is_a_conflict(client: FlaskClient) -> None:
    assert client.post("/api/products", json=NEW).status_code == 201
    response = client.post("/api/products", json=NEW)
    assert response.status_code == 409
    assert "CABLE-HDMI" in response.get_json()["message"]


def test_invalid_input_is_a_400_naming_each_field(client: FlaskClient) -> None:
    response = client.post("/api/products", json={"sku": "bad sku", "name": "", "price": "-1", "stock": 1.5})
    assert response.status_code == 400
    fields = {d["field"] for d in response.get_json()["details"]}
    assert fields == {"sku", "name", "price", "stock"}


def test_malformed_bodies_and_queries_are_400_not_500(client: FlaskClient) -> None:
    assert client.post("/api/products", data="{not json", content_type="application/json").status_code == 400
    assert client.post("/api/products", json=[1, 2]).status_code == 400
    assert client.post("/api/products", json={**NEW, "name": "a\x00b"}).status_code == 400
    assert client.post("/api/products", json={**NEW, "price": "NaN"}).status_code == 400
    assert client.get("/api/products?page=0").status_code == 400
    assert client.get("/api/products?per_page=abc").status_code == 400
    assert client.get(f"/api/products/{2**63}").status_code == 404


def test_catalog_pages_show_writes_at_once_here_and_within_the_ttl_elsewhere(database_url: str, tmp_path: Path) -> None:
    settings = ProductSettings(database_url=database_url, data_dir=tmp_path, catalog_cache_seconds=0.2)
    here, other_replica = create_app(settings).test_client(), create_app(settings).test_client()

    def listed_stock(client: FlaskClient) -> int:
        return client.get("/api/products?per_page=1").get_json()["items"][0]["stock"]

    assert listed_stock(here) == listed_stock(other_replica) == 25
    here.patch("/api/products/1", json={"stock": 3})
    assert listed_stock(here) == 3
    deadline = time.monotonic() + 5
    while listed_stock(other_replica) != 3:
        assert time.monotonic() < deadline, "another replica never saw the write"
        time.sleep(0.05)


def test_an_expired_page_is_rendered_once_however_many_requests_miss_it() -> None:
    # Under gevent, every request waiting on the database lets the next one in: they all missed.
    cache = CatalogCache(ttl=60)
    renders = []

    def render() -> bytes:
        renders.append(1)
        time.sleep(0.2)
        return b"page"

    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: cache.get("key", render), range(8)))
    assert pages == [b"page"] * 8
    assert len(renders) == 1
