"""Reserving and releasing stock: atomic, all-or-nothing, idempotent by reservation id."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from techcommerce_common.db import Database
from techcommerce_common.errors import APIError

from .models import Product, Reservation, ReservationItem
from .schemas import ReservationCreate

RESERVED = "reserved"
RELEASED = "released"


def reserve(db: Database, request: ReservationCreate) -> tuple[Reservation, bool]:
    """Take stock for every line or for none. Returns (reservation, created).

    The conditional UPDATE (stock >= quantity) is what prevents overselling:
    the database decides, atomically, whether enough stock is left.
    """
    try:
        with db.transaction() as session:
            reservation = Reservation(id=request.id, status=RESERVED)
            session.add(reservation)
            session.flush()
            for line in request.items:
                _take(session, line.product_id, line.quantity)
                session.add(
                    ReservationItem(reservation_id=request.id, product_id=line.product_id, quantity=line.quantity)
                )
            session.flush()
            session.refresh(reservation)
            return reservation, True
    except IntegrityError:
        # The id exists: this is a retry (or a reuse, which we refuse).
        existing = get(db, request.id)
        if existing.status != RESERVED:
            raise APIError(409, "reservation_closed", f"reservation {request.id} was already released") from None
        lines = [(i.product_id, i.quantity) for i in existing.items]
        if lines != [(line.product_id, line.quantity) for line in request.items]:
            raise APIError(409, "reservation_conflict", f"reservation {request.id} exists with other items") from None
        return existing, False


def _take(session: Session, product_id: int, quantity: int) -> None:
    taken = session.execute(
        update(Product)
        .where(Product.id == product_id, Product.stock >= quantity)
        .values(stock=Product.stock - quantity)
    ).rowcount
    if taken:
        return
    stock = session.scalar(select(Product.stock).where(Product.id == product_id))
    if stock is None:
        raise APIError(422, "unknown_product", f"product {product_id} does not exist", {"product_id": product_id})
    raise APIError(
        409,
        "insufficient_stock",
        f"product {product_id} has {stock} in stock, {quantity} requested",
        {"product_id": product_id, "available": stock, "requested": quantity},
    )


def release(db: Database, reservation_id: str) -> Reservation:
    """Give the stock back, once. Releasing an unknown id leaves a tombstone, so a
    reservation that arrives late (a timed-out call still in flight) cannot take stock."""
    try:
        return _release(db, reservation_id)
    except IntegrityError:
        # A concurrent reserve or release created the row first; now it exists.
        return _release(db, reservation_id)


def _release(db: Database, reservation_id: str) -> Reservation:
    with db.transaction() as session:
        reservation = session.get(Reservation, reservation_id)
        if reservation is None:
            reservation = Reservation(id=reservation_id, status=RELEASED, items=[])
            session.add(reservation)
            session.flush()
            return reservation
        flipped = session.execute(
            update(Reservation)
            .where(Reservation.id == reservation_id, Reservation.status == RESERVED)
            .values(status=RELEASED)
        ).rowcount
        if flipped:
            for item in reservation.items:
                session.execute(
                    update(Product).where(Product.id == item.product_id).values(stock=Product.stock + item.quantity)
                )
        session.refresh(reservation)
        return reservation


def get(db: Database, reservation_id: str) -> Reservation:
    with db.transaction() as session:
        reservation = session.get(Reservation, reservation_id)
        if reservation is None:
            raise APIError(404, "not_found", f"reservation {reservation_id} not found")
        return reservation
