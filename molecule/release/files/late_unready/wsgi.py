"""The release test's fine-for-a-minute image: the real product-api, whose /ready fails from 60 s
after its worker started (a version that passes its rollout and breaks later; the bake catches it)."""

import time
from collections.abc import Callable, Iterable
from typing import Any

from product_api.wsgi import app as _product_api

_STARTED = time.monotonic()
UNREADY_AFTER_SECONDS = 60


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/ready" and time.monotonic() - _STARTED > UNREADY_AFTER_SECONDS:
        start_response("503 Service Unavailable", [("Content-Type", "application/json")])
        return [b'{"status": "unready", "reason": "release test: unready 60 s after start"}']
    return _product_api(environ, start_response)
