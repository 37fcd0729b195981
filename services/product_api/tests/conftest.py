from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from product_api.app import create_app
from product_api.settings import ProductSettings


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Flask:
    return create_app(ProductSettings(database_url=database_url, data_dir=tmp_path))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
