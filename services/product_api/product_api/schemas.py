"""Request bodies and query strings, validated by pydantic (their JSON Schema feeds the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from techcommerce_common.money import Price
from techcommerce_common.types import DbInt, Quantity, Text

Stock = Annotated[int, Strict(), Field(ge=0, le=1_000_000_000)]
Sku = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,63}$")]
Name = Annotated[Text, Field(min_length=1, max_length=200)]
Description = Annotated[Text, Field(max_length=5000)]
ReservationId = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")]


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Sku
    name: Name
    description: Description = ""
    price: Price
    stock: Stock = 0


class ProductUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Sku | None = None
    name: Name | None = None
    description: Description | None = None
    price: Price | None = None
    stock: Stock | None = None


class ProductQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=100)
    name: Annotated[Text, Field(max_length=200)] | None = None


class ReservationLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: DbInt
    quantity: Quantity


def _merge_lines(lines: list[ReservationLine]) -> list[ReservationLine]:
    # One line per product, in id order: a fixed lock order keeps concurrent
    # reservations from deadlocking each other.
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.product_id] = totals.get(line.product_id, 0) + line.quantity
    return [ReservationLine(product_id=p, quantity=q) for p, q in sorted(totals.items())]


class ReservationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ReservationId
    items: Annotated[list[ReservationLine], Field(min_length=1, max_length=100), AfterValidator(_merge_lines)]
