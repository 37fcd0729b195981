"""Field types shared by the services' request schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, Strict


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; reject it here as bad input rather than fail at the database.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
# Ids are 32-bit integers in the database; a larger one can only be a bad request.
DB_INT_MAX = 2**31 - 1
# Strict: true, "1", 1.0 and 1e3 are not integers, however Python would convert them.
DbInt = Annotated[int, Strict(), Field(ge=1, le=DB_INT_MAX)]
Quantity = Annotated[int, Strict(), Field(ge=1, le=10_000)]
# Also what the order form's token must look like: it travels as an HTTP header.
IdempotencyKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{1,128}$")]
