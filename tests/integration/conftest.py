from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import postgres_database
from tests.integration.stack import Service


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, Service]]:
    with postgres_database() as products_db, postgres_database() as orders_db:
        product_api = Service("product_api", tmp_path, {"DATABASE_URL": products_db})
        order_api = Service("order_api", tmp_path, {"DATABASE_URL": orders_db, "PRODUCT_API_URL": product_api.url})
        frontend = Service("frontend", tmp_path, {"PRODUCT_API_URL": product_api.url, "ORDER_API_URL": order_api.url})
        services = {"product-api": product_api, "order-api": order_api, "frontend": frontend}
        try:
            for service in services.values():
                service.launch()
            for service in services.values():
                service.wait_healthy()
            yield services
        finally:
            # All at once, callers first: a gevent worker stopping waits for its open connections,
            # and a caller's keep-alive connections hold it until that caller is gone.
            for service in reversed(services.values()):
                service.terminate()
            for service in services.values():
                service.stop()
