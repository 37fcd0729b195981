"""The /api/orders endpoints."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import TypeAdapter
from sqlalchemy import func, select

from techcommerce_common.app import created, json_body
from techcommerce_common.db import Database
from techcommerce_common.errors import APIError
from techcommerce_common.types import DB_INT_MAX, IdempotencyKey
from techcommerce_common.upstream import Upstream

from . import orders
from .models import Order
from .schemas import OrderCreate, OrderQuery

bp = Blueprint("orders", __name__, url_prefix="/api")
_key = TypeAdapter(IdempotencyKey)


def _db() -> Database:
    return current_app.extensions["db"]


def _products() -> Upstream:
    return current_app.extensions["product_api"]


def _order_id(order_id: int) -> int:
    if order_id > DB_INT_MAX:
        raise APIError(404, "not_found", f"order {order_id} not found")
    return order_id


@bp.get("/orders")
def list_orders() -> Response:
    query = OrderQuery.model_validate(request.args.to_dict())
    with _db().transaction() as session:
        total = session.scalar(select(func.count(Order.id))) or 0
        rows = session.scalars(
            select(Order).order_by(Order.id.desc()).offset((query.page - 1) * query.per_page).limit(query.per_page)
        ).all()
        items = [o.to_json() for o in rows]
    return jsonify(items=items, page=query.page, per_page=query.per_page, total=total)


@bp.post("/orders")
def create_order() -> tuple[Response, int]:
    raw_key = request.headers.get("Idempotency-Key")
    key = _key.validate_python(raw_key) if raw_key is not None else None
    order, new = orders.place(_db(), _products(), json_body(OrderCreate), key)
    return created(order.to_json(), replayed=not new)


@bp.get("/orders/<int:order_id>")
def get_order(order_id: int) -> Response:
    return jsonify(orders.get(_db(), _order_id(order_id)).to_json())


@bp.post("/orders/<int:order_id>/cancel")
def cancel_order(order_id: int) -> Response:
    return jsonify(orders.cancel(_db(), _products(), _order_id(order_id)).to_json())
