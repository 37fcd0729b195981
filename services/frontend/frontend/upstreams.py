"""Access to the two APIs the storefront is built on."""

from __future__ import annotations

from flask import current_app

from techcommerce_common.errors import APIError
from techcommerce_common.upstream import Upstream


def products() -> Upstream:
    return current_app.extensions["product_api"]


def orders() -> Upstream:
    return current_app.extensions["order_api"]


def fetch(upstream: Upstream, path: str, **params: object) -> dict:
    """GET a JSON document; an upstream 4xx is passed on with its own message."""
    query = {k: v for k, v in params.items() if v is not None}
    response = upstream.request("GET", path, params=query)
    body = response.json()
    if not response.ok:
        raise APIError(response.status_code, body.get("error", "error"), body.get("message", "request failed"))
    return body
