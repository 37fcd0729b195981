"""The /api/products and /api/reservations endpoints."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import TypeAdapter
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from techcommerce_common.app import created, json_body
from techcommerce_common.db import Database
from techcommerce_common.errors import APIError
from techcommerce_common.types import DB_INT_MAX

from . import stock
from .catalog_cache import CatalogCache
from .models import Product
from .schemas import ProductCreate, ProductQuery, ProductUpdate, ReservationCreate, ReservationId

bp = Blueprint("products", __name__, url_prefix="/api")
_reservation_id = TypeAdapter(ReservationId)


def _db() -> Database:
    return current_app.extensions["db"]


def _catalog_cache() -> CatalogCache:
    return current_app.extensions["catalog_cache"]


@bp.after_request
def _forget_cached_pages(response: Response) -> Response:
    # Any write may change what a catalog page shows (a price, a stock level).
    if request.method != "GET":
        _catalog_cache().clear()
    return response


def _load(session: Session, product_id: int) -> Product:
    # An id beyond the column's range cannot exist; asking the database would be an error, not a miss.
    product = session.get(Product, product_id) if product_id <= DB_INT_MAX else None
    if product is None:
        raise APIError(404, "not_found", f"product {product_id} not found")
    return product


# Validated catalog queries by their raw query string: nearly every listing repeats one of a few.
_queries: dict[bytes, ProductQuery] = {}


def _catalog_query() -> ProductQuery:
    query = _queries.get(request.query_string)
    if query is None:
        query = ProductQuery.model_validate(request.args.to_dict())
        if len(_queries) >= 1024:  # bounded against arbitrary query strings
            _queries.clear()
        _queries[request.query_string] = query
    return query


@bp.get("/products")
def list_products() -> Response:
    query = _catalog_query()
    page = _catalog_cache().get((query.page, query.per_page, query.name), lambda: _catalog_page(query))
    return Response(page, mimetype="application/json")


def _catalog_page(query: ProductQuery) -> bytes:
    stmt = select(Product)
    if query.name:
        stmt = stmt.where(func.lower(Product.name).contains(query.name.lower(), autoescape=True))
    with _db().transaction() as session:
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = session.scalars(
            stmt.order_by(Product.id).offset((query.page - 1) * query.per_page).limit(query.per_page)
        ).all()
        items = [p.to_json() for p in rows]
    return json.dumps({"items": items, "page": query.page, "per_page": query.per_page, "total": total}).encode()


@bp.get("/products/<int:product_id>")
def get_product(product_id: int) -> Response:
    with _db().transaction() as session:
        return jsonify(_load(session, product_id).to_json())


@bp.post("/products")
def create_product() -> tuple[Response, int]:
    data = json_body(ProductCreate)
    try:
        with _db().transaction() as session:
            product = Product(**data.model_dump())
            session.add(product)
            session.flush()
            body = product.to_json()
    except IntegrityError:
        raise APIError(409, "conflict", f"a product with sku {data.sku} already exists") from None
    return jsonify(body), 201


@bp.route("/products/<int:product_id>", methods=["PUT", "PATCH"])
def update_product(product_id: int) -> Response:
    data = json_body(ProductUpdate)
    try:
        with _db().transaction() as session:
            product = _load(session, product_id)
            for field, value in data.model_dump(exclude_none=True).items():
                setattr(product, field, value)
            session.flush()
            body = product.to_json()
    except IntegrityError:
        raise APIError(409, "conflict", f"a product with sku {data.sku} already exists") from None
    return jsonify(body)


@bp.delete("/products/<int:product_id>")
def delete_product(product_id: int) -> tuple[str, int]:
    with _db().transaction() as session:
        session.delete(_load(session, product_id))
    return "", 204


@bp.post("/reservations")
def create_reservation() -> tuple[Response, int]:
    reservation, new = stock.reserve(_db(), json_body(ReservationCreate))
    return created(reservation.to_json(), replayed=not new)


@bp.get("/reservations/<reservation_id>")
def get_reservation(reservation_id: str) -> Response:
    return jsonify(stock.get(_db(), _reservation_id.validate_python(reservation_id)).to_json())


@bp.post("/reservations/<reservation_id>/release")
def release_reservation(reservation_id: str) -> Response:
    return jsonify(stock.release(_db(), _reservation_id.validate_python(reservation_id)).to_json())
