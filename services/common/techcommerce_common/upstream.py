"""Calls to other services: timeouts, bounded retries, request-id propagation."""

from __future__ import annotations

from typing import Any

import requests
from flask import g, has_request_context
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import UpstreamUnavailableError


def _session(retries: int, methods: frozenset[str] | None) -> requests.Session:
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        allowed_methods=methods,
        status_forcelist=(502, 503, 504),
        backoff_factor=0.1,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Upstream:
    """An HTTP client for one upstream service.

    Connection failures are retried for every method (nothing was sent). Read
    timeouts and 502/503/504 are retried only for a call that is safe to repeat:
    an idempotent method, or a POST carrying an Idempotency-Key. A POST without
    one is sent once: its first try may have acted although its answer was lost.
    """

    def __init__(self, name: str, base_url: str, timeout: float, retries: int) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._idempotent = _session(retries, Retry.DEFAULT_ALLOWED_METHODS)
        self._keyed = _session(retries, None)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send a request; a 5xx or a transport failure becomes UpstreamUnavailableError (503)."""
        headers = kwargs.pop("headers", {})
        if has_request_context() and g.get("request_id"):
            headers.setdefault("X-Request-ID", g.request_id)
        session = self._keyed if "Idempotency-Key" in headers else self._idempotent
        try:
            response = session.request(
                method, f"{self.base_url}{path}", headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise UpstreamUnavailableError(self.name, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise UpstreamUnavailableError(self.name, f"HTTP {response.status_code}")
        return response
