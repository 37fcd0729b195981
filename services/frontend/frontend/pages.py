"""Server-rendered pages: catalog, product, order form, order status."""

from __future__ import annotations

import uuid

from flask import Blueprint, redirect, render_template, request, url_for
from pydantic import TypeAdapter, ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from techcommerce_common.errors import APIError, http_error
from techcommerce_common.types import IdempotencyKey

from .json_api import JSON_PATHS
from .upstreams import fetch, orders, products

bp = Blueprint("pages", __name__, template_folder="templates")
_key = TypeAdapter(IdempotencyKey)
PAGE_SIZE = 12
_UNAVAILABLE = (
    "Part of the shop is not reachable right now. Nothing was charged or reserved; please try again in a moment."
)


@bp.errorhandler(APIError)
def friendly_error(exc: APIError) -> tuple[str, int]:
    message = _UNAVAILABLE if exc.status >= 500 else exc.message
    return render_template("error.html", status=exc.status, message=message), exc.status


def page_or_json(exc: HTTPException) -> Response | tuple[str, int, list[tuple[str, str]]]:
    """Werkzeug's errors (404, 405, 413, ...): JSON on the JSON paths, a page everywhere else."""
    if request.path.startswith(JSON_PATHS):
        return http_error(exc)
    status = exc.code or 500
    allow = [(name, value) for name, value in exc.get_headers() if name == "Allow"]
    return render_template("error.html", status=status, message=exc.description), status, allow


@bp.get("/")
def catalog() -> str:
    query = request.args.get("q", "").strip()[:200]
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    data = fetch(products(), "/api/products", name=query or None, page=page, per_page=PAGE_SIZE)
    pages = max(1, -(-data["total"] // PAGE_SIZE))
    return render_template("catalog.html", products=data["items"], query=query, page=page, pages=pages)


@bp.get("/product/<int:product_id>")
def product_page(product_id: int) -> str:
    return _product_form(product_id)


def _product_form(product_id: int, error: str | None = None, quantity: int = 1) -> str:
    product = fetch(products(), f"/api/products/{product_id}")
    # A fresh key per rendered form: a double-clicked submit reuses it and places one order.
    token = uuid.uuid4().hex
    return render_template("product.html", product=product, token=token, error=error, quantity=quantity)


@bp.post("/order")
def place_order() -> Response | tuple[str, int]:
    product_id = request.form.get("product_id", type=int)
    quantity = request.form.get("quantity", type=int)
    token = request.form.get("token") or uuid.uuid4().hex
    if product_id is None or product_id < 1:
        raise APIError(400, "invalid_request", "Please choose a product from the catalog.")
    if quantity is None or not 1 <= quantity <= 10_000:
        return _product_form(product_id, "Please enter a quantity between 1 and 10000."), 400
    try:
        # The token becomes a header: NUL, CR/LF or non-Latin-1 could not even be sent.
        _key.validate_python(token)
    except ValidationError:
        raise APIError(400, "invalid_request", "This order form is damaged; please reload the product page.") from None
    response = orders().request(
        "POST",
        "/api/orders",
        json={"items": [{"product_id": product_id, "quantity": quantity}]},
        headers={"Idempotency-Key": token},
    )
    body = response.json()
    if not response.ok:
        return _product_form(
            product_id, body.get("message", "The order could not be placed."), quantity
        ), response.status_code
    return redirect(url_for("pages.order_page", order_id=body["id"]), code=303)


@bp.get("/order/<int:order_id>")
def order_page(order_id: int) -> str:
    order = fetch(orders(), f"/api/orders/{order_id}")
    return render_template("order.html", order=order)
