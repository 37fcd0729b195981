from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from frontend.app import create_app
from frontend.settings import FrontendSettings
from order_api.app import create_app as create_order_api
from order_api.settings import OrderSettings
from product_api.app import create_app as create_product_api
from product_api.settings import ProductSettings


@pytest.fixture
def shop(tmp_path: Path, serve: Callable[[Flask], str]) -> FlaskClient:
    """The frontend in front of real product-api and order-api servers (SQLite)."""
    products = serve(create_product_api(ProductSettings(data_dir=tmp_path)))
    orders = serve(create_order_api(OrderSettings(data_dir=tmp_path, product_api_url=products)))
    settings = FrontendSettings(product_api_url=products, order_api_url=orders, upstream_timeout=1)
    return create_app(settings).test_client()
