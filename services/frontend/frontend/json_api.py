"""JSON endpoints: the storefront's catalog and orders for scripts and smoke tests."""

from __future__ import annotations

import requests
from flask import Blueprint, Response, request

from .upstreams import orders, products

bp = Blueprint("json_api", __name__)


def _relay(response: requests.Response) -> Response:
    # Upstream status and error bodies pass through unchanged: they already say what went wrong.
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
    headers = {"Content-Type": "application/json"}
    if "Idempotency-Key" in request.headers:
        headers["Idempotency-Key"] = request.headers["Idempotency-Key"]
    return _relay(orders().request("POST", "/api/orders", data=request.get_data(), headers=headers))
