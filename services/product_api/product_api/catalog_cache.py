"""A short-lived cache of rendered catalog pages.

Listing the catalog is the hottest read and tolerates a second of staleness;
stock is decided by the reservation path, which never reads this cache. Writes
made through this process clear it at once; other replicas see them within the TTL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from cachetools import TTLCache


class CatalogCache:
    def __init__(self, ttl: float, size: int = 512) -> None:
        self._pages: TTLCache[Hashable, bytes] | None = TTLCache(maxsize=size, ttl=ttl) if ttl > 0 else None
        self._lock = threading.Lock()
        # One render per missing page at a time. Under gevent every request waiting on PostgreSQL
        # lets the next one in: when a page expired, all requests in flight missed together and
        # rendered it at once, more queries than the pool's connections, each second.
        self._renders: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        if self._pages is None:
            return render()
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                return page
            rendering = self._renders.setdefault(key, threading.Lock())
        with rendering:
            with self._lock:
                page = self._pages.get(key)
            if page is not None:  # rendered by the request this one waited for
                return page
            try:
                page = render()
                with self._lock:
                    self._pages[key] = page
            finally:
                with self._lock:
                    self._renders.pop(key, None)
        return page

    def clear(self) -> None:
        if self._pages is not None:
            with self._lock:
                self._pages.clear()
