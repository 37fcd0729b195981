from __future__ import annotations

from flask import Flask

from techcommerce_common.app import create_service_app
from techcommerce_common.db import Database
from techcommerce_common.settings import load_settings

from . import api, openapi
from .catalog_cache import CatalogCache
from .models import Base
from .seed import seed_catalog
from .settings import ProductSettings

SERVICE = "product-api"


def create_app(settings: ProductSettings | None = None) -> Flask:
    settings = settings or load_settings(ProductSettings)
    db = Database(settings.resolved_database_url("product_api"))
    db.wait_until_reachable(settings.database_startup_timeout)
    db.init_schema(Base.metadata, seed_catalog if settings.seed_catalog else None)
    app = create_service_app(SERVICE, settings.log_level, {"database": db.ping})
    app.extensions["db"] = db
    app.extensions["catalog_cache"] = CatalogCache(settings.catalog_cache_seconds)
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    return app
