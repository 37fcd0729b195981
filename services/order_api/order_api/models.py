from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from techcommerce_common.money import Cents, money

CREATED = "created"
CANCELLED = "cancelled"


class Base(DeclarativeBase):
    pass


def _utc(moment: datetime) -> datetime:
    # SQLite returns times without a zone; every stored time is UTC.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=CREATED)
    total: Mapped[Decimal] = mapped_column("total_cents", Cents)
    # The product-api reservation that holds this order's stock.
    reservation_id: Mapped[str] = mapped_column(String(64), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    # What the key was first used for: a reuse with another body is refused.
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))
    items: Mapped[list[OrderItem]] = relationship(
        order_by="OrderItem.position", cascade="all, delete-orphan", lazy="selectin"
    )

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status,
            "total": money(self.total),
            "created_at": _utc(self.created_at).isoformat(),
            "items": [item.to_json() for item in self.items],
        }


class OrderItem(Base):
    __tablename__ = "order_items"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    # A snapshot of the product at order time: later catalog edits do not rewrite history.
    product_id: Mapped[int]
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[Decimal] = mapped_column("unit_price_cents", Cents)
    quantity: Mapped[int]

    def to_json(self) -> dict[str, object]:
        return {
            "product_id": self.product_id,
            "sku": self.sku,
            "name": self.name,
            "unit_price": money(self.unit_price),
            "quantity": self.quantity,
            "line_total": money(self.unit_price * self.quantity),
        }


class KeyRefusals(Base):
    """How many orders of an Idempotency-Key were refused after their reservation was released.

    product-api keeps a released reservation id closed (a late copy of the call must not
    take stock), so each refusal moves the key on to a fresh reservation id.
    """

    __tablename__ = "idempotency_key_refusals"

    idempotency_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    refusals: Mapped[int]
