from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from techcommerce_common.types import DbInt, Quantity


class OrderLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: DbInt
    quantity: Quantity


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: Annotated[list[OrderLine], Field(min_length=1, max_length=50)]


class OrderQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=100)
