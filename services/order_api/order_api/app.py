from __future__ import annotations

from flask import Flask

from techcommerce_common.app import create_service_app
from techcommerce_common.db import Database
from techcommerce_common.settings import load_settings
from techcommerce_common.upstream import Upstream

from . import api, openapi
from .models import Base
from .settings import OrderSettings

SERVICE = "order-api"


def create_app(settings: OrderSettings | None = None) -> Flask:
    settings = settings or load_settings(OrderSettings)
    db = Database(settings.resolved_database_url("order_api"))
    db.wait_until_reachable(settings.database_startup_timeout)
    db.init_schema(Base.metadata)
    products = Upstream(
        "product-api", str(settings.product_api_url), settings.upstream_timeout, settings.upstream_retries
    )
    app = create_service_app(SERVICE, settings.log_level, {"database": db.ping})
    app.extensions["db"] = db
    app.extensions["product_api"] = products
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    return app
