"""JSON endpoints: the storefront's catalog and orders for scripts and smoke tests."""

from __future__ import annotations

import uuid

import requests
from flask import Blueprint, Response, request

from techcommerce_common.errors import APIError

from .upstreams import orders, products

bp = Blueprint("json_api", __name__)
# Paths of this blueprint: their errors are JSON, every other path's a page.
JSON_PATHS = ("/products", "/orders")


def _relay(response: requests.Response) -> Response:
    # Upstream status and error bodies pass through unchanged: they already say what went wrong.
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        raise APIError(502, "upstream_error", f"upstream answered HTTP {response.status_code} without JSON")
    return Response(response.content, status=response.status_code, content_type="application/json")


@bp.get("/products")
def list_products() -> Response:
    return _relay(products().request("GET", "/api/products", params=request.args))


@bp.get("/products/<int:product_id>")
def get_product(product_id: int) -> Response:
    return _relay(products().request("GET", f"/api/products/{product_id}"))


@bp.get("/orders")
def list_orders() -> Response:
    return _relay(orders().request("GET", "/api/orders", params=request.args))


@bp.post("/orders")
def create_order() -> Response:
    if not request.is_json:
        raise APIError(415, "unsupported_media_type", "send the body as application/json")
    # Every order gets a key, so a retry after a lost answer never places a second one.
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": request.headers.get("Idempotency-Key") or uuid.uuid4().hex,
    }
    return _relay(orders().request("POST", "/api/orders", data=request.get_data(), headers=headers))
