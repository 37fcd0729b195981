from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from techcommerce_common.money import Cents, money


class Base(DeclarativeBase):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column("price_cents", Cents)
    stock: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "sku": self.sku,
            "name": self.name,
            "description": self.description,
            "price": money(self.price),
            "stock": self.stock,
        }


class Reservation(Base):
    """Stock held for an order. The id is chosen by the caller, which makes reserving idempotent."""

    __tablename__ = "reservations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=_now)
    items: Mapped[list[ReservationItem]] = relationship(
        order_by="ReservationItem.product_id", cascade="all, delete-orphan", lazy="selectin"
    )

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status,
            "items": [{"product_id": i.product_id, "quantity": i.quantity} for i in self.items],
        }


class ReservationItem(Base):
    __tablename__ = "reservation_items"

    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.id"), primary_key=True)
    # No foreign key: a product may be deleted while history still mentions it.
    product_id: Mapped[int] = mapped_column(primary_key=True)
    quantity: Mapped[int]
