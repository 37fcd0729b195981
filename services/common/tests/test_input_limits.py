"""What techcommerce_common does with hostile input and with a POST whose answer is lost."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask, jsonify, request
from pydantic import BaseModel, ConfigDict

from techcommerce_common.app import create_service_app, json_body
from techcommerce_common.errors import UpstreamUnavailableError
from techcommerce_common.types import DbInt, Text
from techcommerce_common.upstream import Upstream


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: DbInt
    name: Text = ""


def make_app() -> Flask:
    app = create_service_app("demo", "INFO", {})

    @app.post("/items")
    def create():
        return jsonify(json_body(Item).model_dump())

    @app.get("/items/<int:item_id>")
    def get(item_id: int):
        return jsonify(id=item_id)

    return app


def post(body: str, content_type: str = "application/json"):
    return (
        make_app().test_client().post("/items", data=body.encode("utf-8", "surrogatepass"), content_type=content_type)
    )


@pytest.mark.parametrize("depth", [33, 10_000])
def test_deep_nesting_is_a_400_not_a_recursion_error(depth: int) -> None:
    response = post("[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_json"
    assert post('{"id": 1, "name": "' + "[" * 100 + '"}').status_code == 200  # brackets inside text do not count


def test_a_lone_surrogate_is_a_422() -> None:
    response = post('{"id": 1, "name": "\\ud800"}')
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid_unicode"
    assert post('{"id": 1, "name": "\\ud83d\\ude00"}').get_json()["name"] == "\U0001f600"  # a valid pair is text


@pytest.mark.parametrize("value", ["true", '"1"', "1.0", "1e3", "NaN", "1" * 5000])
def test_integers_are_strict(value: str) -> None:
    assert post(f'{{"id": {value}}}').status_code == 400


def test_a_body_that_is_not_json_is_a_415() -> None:
    response = post('{"id": 1}', content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


def test_path_ids_are_ascii_digits() -> None:
    client = make_app().test_client()
    assert client.get("/items/12").get_json() == {"id": 12}
    response = client.get("/items/\uff11\uff12")  # full-width 12
    assert response.status_code == 404
    assert response.is_json


def test_a_post_whose_answer_is_lost_is_retried_only_with_an_idempotency_key(serve: Callable[[Flask], str]) -> None:
    calls: list[str | None] = []
    slow = Flask("slow")

    @slow.post("/orders")
    def orders():
        calls.append(request.headers.get("Idempotency-Key"))
        time.sleep(0.5)
        return "{}"

    upstream = Upstream("slow", serve(slow), timeout=0.2, retries=2)
    with pytest.raises(UpstreamUnavailableError, match="ReadTimeout"):
        upstream.request("POST", "/orders")
    assert calls == [None]  # sent once: it may have acted
    with pytest.raises(UpstreamUnavailableError):
        upstream.request("POST", "/orders", headers={"Idempotency-Key": "k1"})
    assert calls == [None, "k1", "k1", "k1"]
