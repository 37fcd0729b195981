from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2))
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
            "total": f"{self.total:.2f}",
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
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    quantity: Mapped[int]

    def to_json(self) -> dict[str, object]:
        return {
            "product_id": self.product_id,
            "sku": self.sku,
            "name": self.name,
            "unit_price": f"{self.unit_price:.2f}",
            "quantity": self.quantity,
            "line_total": f"{self.unit_price * self.quantity:.2f}",
        }
