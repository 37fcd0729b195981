"""Money: integer cents in every database, a Decimal in Python, one decimal string in JSON.

SQLite has no exact decimal type (its NUMERIC is a float), so a Numeric column
loses cents there; an integer number of cents is exact everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator


def _not_signed(value: Decimal) -> Decimal:
    # ge=0 lets "-0.00" through; a price has no sign.
    if value.is_signed():
        raise ValueError("must not be negative")
    return value


Price = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2), AfterValidator(_not_signed)]


def money(value: Decimal) -> str:
    """The one form money leaves in: "19.99" (a JSON number would be read as a float)."""
    return f"{value:.2f}"


class Cents(TypeDecorator[Decimal]):
    """A Decimal amount stored as a BIGINT number of cents, in a column named `<attribute>_cents`."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        if value is None:
            return None
        cents = value.scaleb(2)
        if cents != cents.to_integral_value():
            raise ValueError(f"{value} has fractions of a cent")
        return int(cents)

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value).scaleb(-2)
