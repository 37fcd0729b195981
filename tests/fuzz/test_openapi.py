"""Schema-driven fuzzing of every JSON endpoint: whatever a client sends, no 5xx and no traceback.

Inputs come from each API's own OpenAPI document (built from the pydantic models
that validate requests): valid requests and deliberately invalid ones.
"""

from __future__ import annotations

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.openapi.loaders import from_dict, from_wsgi

from order_api.openapi import DOCUMENT as ORDER_DOCUMENT
from product_api.openapi import DOCUMENT as PRODUCT_DOCUMENT

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def _operations(document: dict) -> list[tuple[str, str]]:
    schema = from_dict(document)
    return sorted((op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations())


def _fuzz(app: Flask, method: str, path: str, mode: GenerationMode) -> None:
    operation = from_wsgi("/openapi.json", app)[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @FUZZ
    def run(case) -> None:
        response = case.call()
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
        assert "Traceback" not in response.text
        if response.status_code != 204:
            assert response.headers["content-type"][0].startswith("application/json")

    run()


@pytest.mark.parametrize("mode", MODES, ids=str)
@pytest.mark.parametrize(("method", "path"), _operations(PRODUCT_DOCUMENT))
def test_product_api_answers_any_input_without_failing(
    product_api: Flask, method: str, path: str, mode: GenerationMode
) -> None:
    _fuzz(product_api, method, path, mode)


@pytest.mark.parametrize("mode", MODES, ids=str)
@pytest.mark.parametrize(("method", "path"), _operations(ORDER_DOCUMENT))
def test_order_api_answers_any_input_without_failing(
    order_api: Flask, method: str, path: str, mode: GenerationMode
) -> None:
    _fuzz(order_api, method, path, mode)


@pytest.mark.parametrize(
    ("app_fixture", "document"), [("product_api", PRODUCT_DOCUMENT), ("order_api", ORDER_DOCUMENT)]
)
def test_every_api_route_is_documented(request: pytest.FixtureRequest, app_fixture: str, document: dict) -> None:
    app: Flask = request.getfixturevalue(app_fixture)
    routes = {
        rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == set(document["paths"])
