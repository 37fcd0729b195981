"""Parsing request bodies as JSON, with the limits the standard parser lacks."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from itertools import accumulate
from typing import Any

from .errors import APIError

# Our bodies nest three levels; the standard parser recurses per level and
# dies with RecursionError (a 500) at about a thousand.
MAX_DEPTH = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """The document in `raw`: 400 for anything that is not strict JSON within MAX_DEPTH,
    422 for text that is not valid Unicode (a lone surrogate escape such as \\ud800)."""
    try:
        text = raw.decode("utf-8")
        brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
        depth = max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)
        if depth > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        # Decimal keeps a number such as 19.99 exact; 1.0 stays distinct from the integer 1.
        data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
        raise APIError(400, "invalid_json", f"request body is not valid JSON: {exc}") from None
    # Escapes are the only way a surrogate gets in: decoded UTF-8 never holds one.
    if "\\u" in text:
        try:
            json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        except UnicodeEncodeError:
            raise APIError(422, "invalid_unicode", "text must be valid Unicode (no lone surrogates)") from None
    return data
