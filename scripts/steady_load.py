"""Steady load on the shop at a fixed rate, counting every failed request and every order.

  python scripts/steady_load.py run URL --rate 24 --order-share 0.25 --stop-file F --out result.json
      runs until F exists (or --max-seconds), then writes the counts and the ids of the orders placed
  python scripts/steady_load.py check URL result.json [--before EPOCH]
      reads every order through the frontend's JSON and prints how many of the placed ones are stored
      (only those placed before EPOCH with --before), as JSON; exits 1 when one is missing

A request fails when it gets no answer within the timeout or an answer other than 2xx. Requests go
out on a fixed schedule whatever the latency (an open-loop load), so a slow shop cannot slow the load.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

TIMEOUT = 5.0
# A new connection per request: no request can meet a keep-alive connection the server is just
# closing (a client-side race that would count as a failure), and each is routed by the current endpoints.
CLOSE = {"Connection": "close"}


class Load:
    def __init__(self, url: str, product_ids: list[int]) -> None:
        self.url = url.rstrip("/")
        self.product_ids = product_ids
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.first_failure: float | None = None
        self.orders: list[tuple[int, float]] = []
        self.first_errors: list[str] = []

    def one(self, n: int, order: bool) -> None:
        kind = "order" if order else "catalog"
        detail = ""
        try:
            if order:
                product = self.product_ids[n % len(self.product_ids)]
                response = requests.post(
                    f"{self.url}/orders",
                    json={"items": [{"product_id": product, "quantity": 1}]},
                    headers={"Idempotency-Key": f"load-{uuid.uuid4()}", **CLOSE},
                    timeout=TIMEOUT,
                )
            else:
                response = requests.get(
                    f"{self.url}/products", params={"page": n % 2 + 1, "per_page": 5}, headers=CLOSE, timeout=TIMEOUT
                )
            error = None if response.ok else f"{kind} HTTP {response.status_code}"
        except requests.RequestException as exc:
            error, response = f"{kind} {type(exc).__name__}", None
            detail = f"{time.time():.3f} {kind}: {exc}"
        with self.lock:
            self.counts[kind] += 1
            if error:
                self.errors[error] += 1
                self.first_failure = self.first_failure or time.time()
                if len(self.first_errors) < 5:
                    self.first_errors.append(
                        detail if response is None else f"{time.time():.3f} {error}: {response.text[:200]}"
                    )
            elif order and response is not None and response.status_code == 201:
                self.orders.append((response.json()["id"], time.time()))

    def run(self, rate: float, order_share: float, stop_file: Path, max_seconds: float) -> dict:
        start = time.time()
        every = max(1, round(1 / order_share)) if order_share > 0 else 0
        n = 0
        with ThreadPoolExecutor(max_workers=32) as pool:
            while not stop_file.exists() and time.time() - start < max_seconds:
                pool.submit(self.one, n, bool(every) and n % every == 0)
                n += 1
                # Keep to the schedule: sleep until the n-th request is due.
                time.sleep(max(0.0, start + n / rate - time.time()))
        elapsed = time.time() - start
        return {
            "seconds": round(elapsed, 1),
            "requests": sum(self.counts.values()),
            "rate": round(sum(self.counts.values()) / elapsed, 1),
            "by_kind": dict(self.counts),
            "failures": sum(self.errors.values()),
            "errors": dict(self.errors),
            "first_failure": self.first_failure,
            "first_errors": self.first_errors,
            "orders_placed": len(self.orders),
            "orders": [{"id": i, "at": round(t, 3)} for i, t in sorted(self.orders)],
        }


def read_page(url: str, page: int, patience: float = 30.0) -> dict:
    """One page of the stored orders. A failed read is tried again for up to `patience` seconds: this checks
    what was stored, right after a disruption the load has already counted."""
    deadline = time.monotonic() + patience
    while True:
        try:
            response = requests.get(f"{url.rstrip('/')}/orders", params={"page": page, "per_page": 100}, timeout=10)
            response.raise_for_status()
            return response.json()
        except requests.RequestException as exc:
            if time.monotonic() > deadline:
                raise
            print(f"reading the orders' page {page} failed ({exc}); trying again", file=sys.stderr)
            time.sleep(1)


def stored_order_ids(url: str) -> set[int]:
    ids: set[int] = set()
    page = 1
    while True:
        body = read_page(url, page)
        ids |= {o["id"] for o in body["items"]}
        if page * 100 >= body["total"]:
            return ids
        page += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("url")
    run.add_argument("--rate", type=float, default=24.0, help="requests per second")
    run.add_argument("--order-share", type=float, default=0.25, help="share of requests that place an order")
    run.add_argument("--stop-file", type=Path, required=True)
    run.add_argument("--max-seconds", type=float, default=900)
    run.add_argument("--out", type=Path, required=True)
    check = sub.add_parser("check")
    check.add_argument("url")
    check.add_argument("result", type=Path)
    check.add_argument("--before", type=float, default=None, help="only orders placed before this epoch time")
    args = parser.parse_args()

    if args.command == "run":
        products = requests.get(f"{args.url.rstrip('/')}/products", params={"per_page": 100}, timeout=30).json()
        load = Load(args.url, [p["id"] for p in products["items"]])
        result = load.run(args.rate, args.order_share, args.stop_file, args.max_seconds)
        args.out.write_text(json.dumps(result, indent=1))
        print(json.dumps({k: v for k, v in result.items() if k != "orders"}))
        return 0

    result = json.loads(args.result.read_text())
    placed = {o["id"] for o in result["orders"] if args.before is None or o["at"] < args.before}
    missing = sorted(placed - stored_order_ids(args.url))
    print(json.dumps({"placed": len(placed), "stored": len(placed) - len(missing), "missing": missing[:20]}))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
