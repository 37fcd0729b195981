from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException

from techcommerce_common.app import create_service_app
from techcommerce_common.settings import load_settings
from techcommerce_common.upstream import Upstream

from . import json_api, pages
from .settings import FrontendSettings

SERVICE = "frontend"


def create_app(settings: FrontendSettings | None = None) -> Flask:
    settings = settings or load_settings(FrontendSettings)
    timeout, retries = settings.upstream_timeout, settings.upstream_retries
    product_api = Upstream("product-api", str(settings.product_api_url), timeout, retries)
    order_api = Upstream("order-api", str(settings.order_api_url), timeout, retries)
    # Nothing of its own to check: with an API down it still serves what does not need it.
    app = create_service_app(SERVICE, settings.log_level, {})
    app.extensions["product_api"] = product_api
    app.extensions["order_api"] = order_api
    app.register_blueprint(pages.bp)
    app.register_blueprint(json_api.bp)
    app.register_error_handler(HTTPException, pages.page_or_json)
    return app
