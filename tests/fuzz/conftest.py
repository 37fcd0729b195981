"""The two APIs in process for the fuzz tests; order-api talks to product-api over real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from order_api.app import create_app as create_order_api
from order_api.settings import OrderSettings
from product_api.app import create_app as create_product_api
from product_api.settings import ProductSettings


@pytest.fixture(scope="package")
def product_api(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return create_product_api(ProductSettings(data_dir=tmp_path_factory.mktemp("fuzz-products")))


@pytest.fixture(scope="package")
def order_api(product_api: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # order-api needs a live product-api: serve one over real HTTP for the whole module.
    server = make_server("127.0.0.1", 0, product_api, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = OrderSettings(
        data_dir=tmp_path_factory.mktemp("fuzz-orders"), product_api_url=f"http://127.0.0.1:{server.server_port}"
    )
    yield create_order_api(settings)
    server.shutdown()
