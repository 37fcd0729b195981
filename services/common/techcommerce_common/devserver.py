"""One-command local development: `python -m <service>` serves on PORT (default given)."""

from __future__ import annotations

import os
from collections.abc import Callable

from flask import Flask


def run(factory: Callable[[], Flask], default_port: int) -> None:
    port = int(os.environ.get("PORT", default_port))
    factory().run(host="127.0.0.1", port=port, threaded=True)
