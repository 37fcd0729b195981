"""Generated inputs the schema-driven fuzzing does not produce: deep nesting, lone surrogates,
huge and non-integer numbers where integers belong, and arbitrary bytes in headers.

Whatever arrives, an API answers below 500 and in JSON.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from order_api.openapi import DOCUMENT as ORDER_DOCUMENT
from product_api.openapi import DOCUMENT as PRODUCT_DOCUMENT

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def _with_body(app: str, document: dict) -> list[tuple[str, str, str]]:
    return [
        (app, method.upper(), path.replace("{product_id}", "1"))
        for path, item in document["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "requestBody" in op
    ]


OPERATIONS = _with_body("product_api", PRODUCT_DOCUMENT) + _with_body("order_api", ORDER_DOCUMENT)

deep = st.builds(
    lambda depth, opener: '{"items": ' + opener * depth + ("]" if opener == "[" else "}") * depth + "}",
    st.integers(min_value=33, max_value=20_000),
    st.sampled_from(["[", '{"a":']),
).map(lambda body: body.replace('{"a":}', "{}"))
surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.characters(), min_size=1).map(
    lambda text: json.dumps(
        {"sku": "FUZZ-1", "name": text, "description": text, "price": "1.00", "id": "r-1", "items": []}
    )
)
# Raw JSON tokens where an integer belongs: too big, fractional, exponents, booleans, strings.
number_tokens = st.one_of(
    st.integers(min_value=2**31).map(str),
    st.integers(max_value=0).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e3", "1.0", "1E400", "-0", "true", '"1"', '"\\uff11"', "NaN", "Infinity", "1" * 5000]),
)
numbers = number_tokens.map(
    lambda token: (
        f'{{"sku": "FUZZ-2", "name": "n", "price": {token}, "stock": {token}, "id": "r-2",'
        f' "items": [{{"product_id": {token}, "quantity": {token}}}]}}'
    )
)
header_values = st.text(st.characters(min_codepoint=0, max_codepoint=255, exclude_characters="\r\n"), max_size=300)


@pytest.mark.parametrize(("app_fixture", "method", "path"), OPERATIONS)
def test_hostile_bodies_get_a_json_4xx(
    request: pytest.FixtureRequest, app_fixture: str, method: str, path: str
) -> None:
    client = request.getfixturevalue(app_fixture).test_client()

    @given(body=st.one_of(deep, surrogates, numbers), key=header_values, request_id=header_values)
    @FUZZ
    def run(body: str, key: str, request_id: str) -> None:
        response = client.open(
            path,
            method=method,
            data=body.encode("utf-8", "surrogatepass"),
            content_type="application/json",
            headers={"Idempotency-Key": key, "X-Request-ID": request_id},
        )
        assert response.status_code < 500, f"{method} {path} {body[:200]!r}: {response.get_data()[:300]!r}"
        assert response.is_json, response.get_data()[:300]

    run()


def test_the_fixtures_serve(product_api: Flask, order_api: Flask) -> None:
    # Guards OPERATIONS above from silently becoming empty.
    assert len(OPERATIONS) == 5
    assert product_api.name == "product-api" and order_api.name == "order-api"
