"""Calls to other services: timeouts, bounded retries, request-id propagation."""

from __future__ import annotations

from typing import Any

import requests
from flask import g, has_request_context
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import UpstreamUnavailableError


class Upstream:
    """An HTTP client for one upstream service.

    Retries cover connection failures, read timeouts and 502/503/504 for every
    method, POST included: the endpoints we call are idempotent by design
    (reservations carry a client-chosen id), so a retry never acts twice.
    """

    def __init__(self, name: str, base_url: str, timeout: float, retries: int) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            allowed_methods=None,
            status_forcelist=(502, 503, 504),
            backoff_factor=0.1,
            raise_on_status=False,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send a request; a 5xx or a transport failure becomes UpstreamUnavailableError (503)."""
        headers = kwargs.pop("headers", {})
        if has_request_context() and g.get("request_id"):
            headers.setdefault("X-Request-ID", g.request_id)
        try:
            response = self.session.request(
                method, f"{self.base_url}{path}", headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise UpstreamUnavailableError(self.name, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise UpstreamUnavailableError(self.name, f"HTTP {response.status_code}")
        return response

    def check(self) -> None:
        """Readiness probe of this upstream: its liveness endpoint answers."""
        self.request("GET", "/health").raise_for_status()
