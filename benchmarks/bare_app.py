"""The baseline: a bare Flask app that returns a fixed JSON body from memory."""

import os
from pathlib import Path

from flask import Flask, Response

BODY = Path(os.environ["BARE_BODY_FILE"]).read_bytes()
app = Flask("bare")


@app.get("/api/products")
def products() -> Response:
    return Response(BODY, content_type="application/json")


@app.get("/health")
def health() -> Response:
    return Response('{"status":"healthy"}', content_type="application/json")
