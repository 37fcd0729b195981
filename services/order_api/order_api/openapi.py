"""The order-api OpenAPI document, served at /openapi.json and used by the fuzz tests."""

from techcommerce_common.app import VERSION
from techcommerce_common.openapi import document, openapi_blueprint, operation, path_param, query_params

from .schemas import OrderCreate, OrderQuery

_id = path_param("order_id", {"type": "integer", "minimum": 0})
_key = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
}

DOCUMENT = document(
    "order-api",
    VERSION,
    {
        "/api/orders": {
            "get": operation(
                "List orders, newest first",
                {200: "A page of orders", 400: "Bad query"},
                parameters=query_params(OrderQuery),
            ),
            "post": operation(
                "Place an order, reserving its stock",
                {
                    201: "Created (a retry with the same Idempotency-Key: the same order, header Idempotent-Replayed)",
                    400: "Invalid body or key",
                    409: "Not enough stock",
                    422: "Unknown product, or key reused for another order",
                    503: "product-api unavailable; nothing reserved",
                },
                body=OrderCreate,
                parameters=[_key],
            ),
        },
        "/api/orders/{order_id}": {
            "parameters": [_id],
            "get": operation("Get an order", {200: "The order", 404: "No such order"}),
        },
        "/api/orders/{order_id}/cancel": {
            "parameters": [_id],
            "post": operation(
                "Cancel an order, releasing its stock",
                {200: "Cancelled", 404: "No such order", 503: "product-api unavailable; order unchanged"},
            ),
        },
    },
    [OrderCreate],
)

bp = openapi_blueprint(DOCUMENT)
