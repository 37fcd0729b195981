"""The product-api OpenAPI document, served at /openapi.json and used by the fuzz tests."""

from pydantic import TypeAdapter

from techcommerce_common.app import VERSION
from techcommerce_common.openapi import document, openapi_blueprint, operation, path_param, query_params

from .schemas import ProductCreate, ProductQuery, ProductUpdate, ReservationCreate, ReservationId

_id = path_param("product_id", {"type": "integer", "minimum": 0})
_rid = path_param("reservation_id", TypeAdapter(ReservationId).json_schema())

DOCUMENT = document(
    "product-api",
    VERSION,
    {
        "/api/products": {
            "get": operation(
                "List products", {200: "A page of products", 400: "Bad query"}, parameters=query_params(ProductQuery)
            ),
            "post": operation(
                "Create a product", {201: "Created", 400: "Invalid body", 409: "SKU exists"}, body=ProductCreate
            ),
        },
        "/api/products/{product_id}": {
            "parameters": [_id],
            "get": operation("Get a product", {200: "The product", 404: "No such product"}),
            "put": operation(
                "Update a product",
                {200: "Updated", 400: "Invalid body", 404: "No such product", 409: "SKU exists"},
                body=ProductUpdate,
            ),
            "patch": operation(
                "Update a product",
                {200: "Updated", 400: "Invalid body", 404: "No such product", 409: "SKU exists"},
                body=ProductUpdate,
            ),
            "delete": operation("Delete a product", {204: "Deleted", 404: "No such product"}),
        },
        "/api/reservations": {
            "post": operation(
                "Reserve stock for every line, or for none (idempotent by id)",
                {
                    201: "Reserved (a retry of the same id: the same reservation, header Idempotent-Replayed)",
                    400: "Invalid body",
                    409: "Not enough stock, or id reused",
                    422: "Unknown product",
                },
                body=ReservationCreate,
            ),
        },
        "/api/reservations/{reservation_id}": {
            "parameters": [_rid],
            "get": operation(
                "Get a reservation", {200: "The reservation", 400: "Malformed id", 404: "No such reservation"}
            ),
        },
        "/api/reservations/{reservation_id}/release": {
            "parameters": [_rid],
            "post": operation("Release a reservation's stock (idempotent)", {200: "Released", 400: "Malformed id"}),
        },
    },
    [ProductCreate, ProductUpdate, ReservationCreate],
)

bp = openapi_blueprint(DOCUMENT)
