"""Field types shared by the services' request schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; reject it here as bad input rather than fail at the database.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
# Ids are 32-bit integers in the database; a larger one can only be a bad request.
DB_INT_MAX = 2**31 - 1
DbInt = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
