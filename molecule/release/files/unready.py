"""A server that is alive but never ready: the release test's readiness-never-passes image."""

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/health" else 503)
        self.end_headers()


ThreadingHTTPServer(("", 5000), Handler).serve_forever()
