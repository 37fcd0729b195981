"""Placing and cancelling orders; stock is reserved in product-api, never here."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from decimal import Decimal

import requests
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from techcommerce_common.db import Database
from techcommerce_common.errors import APIError, UpstreamUnavailableError
from techcommerce_common.upstream import Upstream

from .models import CANCELLED, CREATED, KeyRefusals, Order, OrderItem
from .schemas import OrderCreate

log = logging.getLogger(__name__)
# Reservation ids derived from an Idempotency-Key are stable across retries,
# so product-api recognises the retry and does not reserve a second time.
_KEY_NAMESPACE = uuid.UUID("5c0c2f6e-5d3e-4a4e-9f1e-7f1b8b0d6a10")


def place(db: Database, products: Upstream, body: OrderCreate, key: str | None) -> tuple[Order, bool]:
    """Create an order (or return the one this key created). Returns (order, created)."""
    fingerprint = hashlib.sha256(json.dumps(body.model_dump(), sort_keys=True).encode()).hexdigest()
    if key and (existing := _by_key(db, key)):
        return _replay(existing, fingerprint), False

    reservation_id = _reservation_id(db, key)
    snapshot = [_product(products, line.product_id) for line in body.items]
    try:
        _reserve(products, reservation_id, body)
    except UpstreamUnavailableError:
        _abandon(db, products, reservation_id, key)
        raise
    try:
        with db.transaction() as session:
            order = Order(
                status=CREATED,
                reservation_id=reservation_id,
                idempotency_key=key,
                request_fingerprint=fingerprint,
                total=sum(
                    (Decimal(p["price"]) * line.quantity for p, line in zip(snapshot, body.items, strict=True)),
                    Decimal(0),
                ),
                items=[
                    OrderItem(
                        position=n,
                        product_id=line.product_id,
                        sku=p["sku"],
                        name=p["name"],
                        unit_price=Decimal(p["price"]),
                        quantity=line.quantity,
                    )
                    for n, (p, line) in enumerate(zip(snapshot, body.items, strict=True))
                ],
            )
            session.add(order)
            session.flush()
            return order, True
    except IntegrityError:
        # A concurrent request with the same key stored its order first; both
        # shared one reservation id, so stock was reserved once.
        if key and (existing := _by_key(db, key)):
            return _replay(existing, fingerprint), False
        _abandon(db, products, reservation_id, key)
        raise
    except Exception:
        _abandon(db, products, reservation_id, key)
        raise


def cancel(db: Database, products: Upstream, order_id: int) -> Order:
    """Release the order's stock, then mark it cancelled. Cancelling twice is a no-op."""
    order = get(db, order_id)
    if order.status == CANCELLED:
        return order
    response = _release(products, order.reservation_id)
    if not response.ok:
        raise APIError(502, "upstream_error", f"product-api refused to release the stock: HTTP {response.status_code}")
    with db.transaction() as session:
        session.execute(update(Order).where(Order.id == order_id).values(status=CANCELLED))
    return get(db, order_id)


def get(db: Database, order_id: int) -> Order:
    with db.transaction() as session:
        order = session.get(Order, order_id)
    if order is None:
        raise APIError(404, "not_found", f"order {order_id} not found")
    return order


def _by_key(db: Database, key: str) -> Order | None:
    with db.transaction() as session:
        return session.scalar(select(Order).where(Order.idempotency_key == key))


def _replay(order: Order, fingerprint: str) -> Order:
    if order.request_fingerprint != fingerprint:
        raise APIError(422, "idempotency_key_reused", "this Idempotency-Key was used for a different order")
    return order


def _product(products: Upstream, product_id: int) -> dict[str, str]:
    response = products.request("GET", f"/api/products/{product_id}")
    if response.status_code == 404:
        raise APIError(422, "unknown_product", f"product {product_id} does not exist", {"product_id": product_id})
    response.raise_for_status()
    return response.json()


def _reserve(products: Upstream, reservation_id: str, body: OrderCreate) -> None:
    payload = {"id": reservation_id, "items": [line.model_dump() for line in body.items]}
    # The reservation id makes the call safe to repeat: say so, so a lost answer is retried.
    response = products.request("POST", "/api/reservations", json=payload, headers={"Idempotency-Key": reservation_id})
    if response.status_code == 201:
        return
    error = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
    if response.status_code in (409, 422):
        raise APIError(
            response.status_code,
            error.get("error", "conflict"),
            error.get("message", "reservation refused"),
            error.get("details"),
        )
    raise APIError(502, "upstream_error", f"product-api answered HTTP {response.status_code} to a reservation")


def _release(products: Upstream, reservation_id: str) -> requests.Response:
    # Releasing is idempotent by id: the key lets a lost answer be retried.
    return products.request(
        "POST", f"/api/reservations/{reservation_id}/release", headers={"Idempotency-Key": reservation_id}
    )


def _reservation_id(db: Database, key: str | None) -> str:
    """Stable for every retry of one attempt, so product-api reserves once; fresh after a refusal."""
    if not key:
        return uuid.uuid4().hex
    with db.transaction() as session:
        refusals = session.scalar(select(KeyRefusals.refusals).where(KeyRefusals.idempotency_key == key))
    return uuid.uuid5(_KEY_NAMESPACE, f"{key}#{refusals}" if refusals else key).hex


def _abandon(db: Database, products: Upstream, reservation_id: str, key: str | None) -> None:
    """Undo an attempt that will not become an order, and free its key for a later try.

    The reservation may have landed before the failure; releasing by id undoes it, or
    leaves a tombstone that refuses it if it is still in flight, which closes that id.
    """
    try:
        _release(products, reservation_id)
    except UpstreamUnavailableError:
        log.error("could not release reservation %s; its stock stays held until released", reservation_id)
    if not key:
        return
    try:
        with db.transaction() as session:
            refusals = session.get(KeyRefusals, key) or KeyRefusals(idempotency_key=key, refusals=0)
            refusals.refusals += 1
            session.add(refusals)
    except SQLAlchemyError:
        # A concurrent refusal of the same attempt moved the key on already, or the
        # database is down: then a retry meets the closed id and is refused with 409.
        log.warning("could not move idempotency key %s to a fresh reservation", key)
