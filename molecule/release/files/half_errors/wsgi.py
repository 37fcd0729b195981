"""The release test's half-broken image: the real product-api, whose every second GET /api/products
answers 500 while /health and /ready stay fine (a version only a comparison of its requests catches).
The 500 comes from a Flask hook, so the service's own metrics count it as clients see it."""

import itertools

from flask import abort, request

from product_api.wsgi import app

_catalog_reads = itertools.count()


@app.before_request
def _every_second_catalog_read_fails() -> None:
    if request.method == "GET" and request.path == "/api/products" and next(_catalog_reads) % 2:
        abort(500)


__all__ = ["app"]
