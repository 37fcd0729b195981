"""The storefront as a shopper and a script see it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def form_token(html: str) -> str:
    match = re.search(r'name="token" value="([0-9a-f]+)"', html)
    assert match, "the order form carries an idempotency token"
    return match.group(1)


def test_health_matches_the_documented_body(shop: FlaskClient) -> None:
    assert shop.get("/health").get_json() == {"status": "healthy", "service": "frontend"}
    # Readiness is the frontend's own: no upstream is checked (see test_readiness).
    assert shop.get("/ready").get_json()["checks"] == {}


def test_catalog_page_lists_products_and_searches(shop: FlaskClient) -> None:
    html = shop.get("/").get_data(as_text=True)
    assert "Mechanical keyboard" in html
    assert "$119.50" in html
    found = shop.get("/?q=ssd").get_data(as_text=True)
    assert "SSD 2 TB" in found
    assert "Mechanical keyboard" not in found


def test_ordering_through_the_form_shows_the_confirmation(shop: FlaskClient) -> None:
    page = shop.get("/product/4").get_data(as_text=True)
    response = shop.post("/order", data={"product_id": 4, "quantity": 2, "token": form_token(page)})
    assert response.status_code == 303
    confirmation = shop.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mechanical keyboard" in confirmation
    assert "$239.00" in confirmation
    assert shop.get("/products/4").get_json()["stock"] == 58


def test_a_double_submitted_form_places_one_order(shop: FlaskClient) -> None:
    token = form_token(shop.get("/product/5").get_data(as_text=True))
    first = shop.post("/order", data={"product_id": 5, "quantity": 1, "token": token})
    second = shop.post("/order", data={"product_id": 5, "quantity": 1, "token": token})
    assert first.headers["Location"] == second.headers["Location"]
    assert shop.get("/orders").get_json()["total"] == 1


def test_ordering_more_than_in_stock_explains_why(shop: FlaskClient) -> None:
    response = shop.post("/order", data={"product_id": 2, "quantity": 11, "token": "t1"})
    assert response.status_code == 409
    assert "has 10 in stock, 11 requested" in response.get_data(as_text=True)


def test_bad_form_input_is_a_400_page(shop: FlaskClient) -> None:
    assert shop.post("/order", data={"product_id": 2, "quantity": "lots"}).status_code == 400
    assert shop.post("/order", data={}).status_code == 400


def test_json_endpoints_relay_the_apis(shop: FlaskClient) -> None:
    assert shop.get("/products?per_page=2").get_json()["total"] == 8
    created = shop.post(
        "/orders", json={"items": [{"product_id": 1, "quantity": 1}]}, headers={"Idempotency-Key": "k1"}
    )
    assert created.status_code == 201
    assert shop.get("/orders").get_json()["items"][0]["id"] == created.get_json()["id"]
    assert shop.post("/orders", json={"items": []}).status_code == 400


def test_upstream_down_shows_a_friendly_page(shop: FlaskClient) -> None:
    shop.application.extensions["product_api"].base_url = "http://127.0.0.1:9"
    response = shop.get("/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "We&#39;ll be right back" in html or "We'll be right back" in html
    assert "Traceback" not in html
    assert shop.get("/products").status_code == 503
    assert shop.get("/products").get_json()["error"] == "upstream_unavailable"


def test_unknown_product_page_is_404(shop: FlaskClient) -> None:
    response = shop.get("/product/999")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
