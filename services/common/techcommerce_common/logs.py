"""JSON logs carrying the request id of the request being served."""

from __future__ import annotations

import json
import logging
import sys
import time
from json.encoder import encode_basestring_ascii as _quote  # type: ignore[attr-defined]

from flask import g, has_request_context

# Attributes every LogRecord has; anything else came in through `extra=` and is logged as a field.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class _Clock:
    """UTC timestamps with milliseconds; strftime once a second, not once a line."""

    def __init__(self) -> None:
        self._second = -1
        self._stamp = ""

    def stamp(self, created: float) -> str:
        second = int(created)
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._stamp}.{int((created - second) * 1000):03d}Z"


class JsonLines(logging.Formatter):
    """One JSON object per record, for everything but the access lines (see AccessLog)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        self._clock = _Clock()

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self._clock.stamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": self.service,
            "request_id": g.get("request_id") if has_request_context() else None,
        }
        entry.update((key, value) for key, value in record.__dict__.items() if key not in _STANDARD)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class JsonLinesHandler(logging.StreamHandler):  # type: ignore[type-arg]
    def write_line(self, line: str) -> None:
        """A ready-made line onto the records' stream, without the handler's lock.

        One write() call of a whole line never interleaves with another (the text stream appends
        it in one piece), which is all the lock would add here; under gevent's patching that
        RLock is threading's pure-Python one, a measurable part of the access line.
        """
        self.stream.write(line + self.terminator)
        self.stream.flush()


class AccessLog:
    """The line per request, with the fields JsonLines gives a record of the "access" logger.

    Filled into a template, only the request's own strings escaped (by json's C escaper),
    straight onto the handler's stream: a logging call (LogRecord, findCaller, the extras loop,
    json.dumps with default=) cost about as much as the rest of the request hooks together, and
    json.dumps of the whole entry still four times this. It honours the "access" logger's level.
    """

    def __init__(self, service: str, handler: JsonLinesHandler) -> None:
        self._handler = handler
        self._logger = logging.getLogger("access")
        self._clock = _Clock()
        self._fixed = f'"level": "INFO", "logger": "access", "message": "request", "service": {json.dumps(service)}'

    def write(self, request_id: str, method: str, path: str, status: int, seconds: float) -> None:
        if not self._logger.isEnabledFor(logging.INFO):
            return
        self._handler.write_line(
            f'{{"time": "{self._clock.stamp(time.time())}", {self._fixed}, "request_id": {_quote(request_id)}, '
            f'"method": {_quote(method)}, "path": {_quote(path)}, "status": {status:d}, '
            f'"duration_ms": {round(seconds * 1000, 2)!r}}}'
        )


def configure_logging(service: str, level: str) -> JsonLinesHandler:
    handler = JsonLinesHandler(sys.stdout)
    handler.setFormatter(JsonLines(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    return handler
