"""A webhook receiver that keeps the notifications Alertmanager sends, to show they arrive.

POST anything: the JSON body is kept (the last MAX_KEPT). GET /notifications: them, oldest first.
Standard library only, so it runs on the plain Python base image. For tests and demos, not a pager.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_KEPT = 200
kept: deque[dict] = deque(maxlen=MAX_KEPT)
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            notification = json.loads(body)
        except ValueError:
            self._reply(400, {"error": "body is not JSON"})
            return
        with lock:
            kept.append(notification)
        self._reply(200, {"kept": len(kept)})

    def do_GET(self) -> None:
        if self.path == "/notifications":
            with lock:
                self._reply(200, list(kept))
        elif self.path == "/healthz":
            self._reply(200, {"status": "ok"})
        else:
            self._reply(404, {"error": "not found"})

    def _reply(self, code: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    # PID 1 ignores SIGTERM unless it handles it: without this the pod would wait out its grace period.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer(("", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
