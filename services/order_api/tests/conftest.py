from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from order_api.app import create_app
from order_api.settings import OrderSettings
from product_api.app import create_app as create_product_api
from product_api.settings import ProductSettings


@pytest.fixture
def product_api(database_url: str, tmp_path: Path, serve: Callable[[Flask], str]) -> FlaskClient:
    """A real product-api over HTTP; the returned client inspects its stock directly."""
    app = create_product_api(ProductSettings(database_url=database_url, data_dir=tmp_path / "products"))
    app.config["URL"] = serve(app)
    return app.test_client()


@pytest.fixture
def orders_app(product_api: FlaskClient, database_url: str) -> Flask:
    # The same database as product-api's (their tables differ): orders run on SQLite and on PostgreSQL too.
    settings = OrderSettings(
        database_url=database_url, product_api_url=product_api.application.config["URL"], upstream_timeout=1
    )
    return create_app(settings)


@pytest.fixture
def client(orders_app: Flask) -> FlaskClient:
    return orders_app.test_client()
