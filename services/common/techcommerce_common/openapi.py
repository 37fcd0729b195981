"""OpenAPI 3.1 documents whose schemas come from the pydantic models that validate requests,
so the document cannot drift from what the service accepts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

_REF = "#/components/schemas/{model}"
_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "request_id": {"type": ["string", "null"]},
        "details": {},
    },
}


def ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def operation(
    summary: str,
    responses: dict[int, str],
    body: type[BaseModel] | None = None,
    parameters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    if body is not None:
        responses = {**responses, 415: "Body not sent as application/json"}
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            str(status): {"description": text, "content": {"application/json": {}}}
            if status != 204
            else {"description": text}
            for status, text in responses.items()
        },
    }
    for status in (400, 404, 409, 415, 422, 503):
        if str(status) in op["responses"]:
            op["responses"][str(status)]["content"] = {
                "application/json": {"schema": {"$ref": _REF.format(model="Error")}}
            }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
    if parameters:
        op["parameters"] = parameters
    return op


def path_param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def query_params(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    return [
        {"name": name, "in": "query", "required": False, "schema": prop} for name, prop in schema["properties"].items()
    ]


def document(title: str, version: str, paths: dict[str, Any], models: list[type[BaseModel]]) -> dict[str, Any]:
    _, top = models_json_schema([(m, "validation") for m in models], ref_template=_REF)
    schemas = dict(top.get("$defs", {}))
    schemas["Error"] = _ERROR
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def openapi_blueprint(doc: dict[str, Any]) -> Blueprint:
    bp = Blueprint("openapi", __name__)

    @bp.get("/openapi.json")
    def serve() -> Response:
        return jsonify(doc)

    return bp
