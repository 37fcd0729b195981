"""product-api GET /api/products under gunicorn vs a bare Flask app serving the same JSON.

Both run with the same gunicorn settings (techcommerce_common.gunicorn_conf: workers,
threads) and are measured side by side in one run with wrk; the table gives the ratio.
Run: make benchmark   (env: BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ROUNDS, TEST_POSTGRES_URL)
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import postgres_database  # noqa: E402
from tests.integration.stack import Service  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = os.environ.get("GUNICORN_WORKERS", "2")


def wrk(url: str) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of one wrk run; non-2xx answers make the run invalid."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors during the run of {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, _ms(out, "50%"), _ms(out, "99%")


def _ms(out: str, pct: str) -> float:
    # wrk pads whole seconds to the width of "ms": "99%    1.20s ".
    value, unit = re.search(rf"^\s+{pct}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    os.environ.setdefault("GUNICORN_WORKERS", WORKERS)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    variants: dict[str, Service] = {
        "product-api (SQLite)": Service("product_api", work / "sqlite", {}),
        "product-api (SQLite, no cache)": Service("product_api", work / "nocache", {"CATALOG_CACHE_SECONDS": "0"}),
        "product-api (SQLite, WARNING)": Service("product_api", work / "quiet", {"LOG_LEVEL": "WARNING"}),
    }
    pg = postgres_database() if os.environ.get("TEST_POSTGRES_URL") else None
    if pg:
        variants["product-api (PostgreSQL)"] = Service("product_api", work / "pg", {"DATABASE_URL": pg.__enter__()})
    for service in variants.values():
        service.workdir.mkdir(parents=True)
        service.start()
    first = next(iter(variants.values()))
    body = work / "body.json"
    body.write_bytes(requests.get(f"{first.url}/api/products", timeout=5).content)
    bare = Service("bare_app:app", work, {"BARE_BODY_FILE": str(body), "PYTHONPATH": str(ROOT / "benchmarks")})
    bare.start()
    variants["bare Flask (same JSON)"] = bare
    print(
        f"wrk: {SECONDS}s x {ROUNDS} rounds, {CONNECTIONS} connections, gunicorn {WORKERS} workers; "
        f"body {body.stat().st_size} bytes",
        flush=True,
    )
    try:
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
        for n in range(ROUNDS):
            # Interleaved rounds so machine noise hits every variant alike.
            for name, service in variants.items():
                print(f"  round {n + 1}/{ROUNDS}: {name}", flush=True)
                results[name].append(wrk(f"{service.url}/api/products"))
    finally:
        for service in variants.values():
            service.stop()
        if pg:
            pg.__exit__()
    bare_rps = statistics.median(r[0] for r in results["bare Flask (same JSON)"])
    print(f"\n| {'variant':<30} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'vs bare':>7} |")
    print(f"|{'-' * 32}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for name, runs in results.items():
        rps = statistics.median(r[0] for r in runs)
        p50 = statistics.median(r[1] for r in runs)
        p99 = statistics.median(r[2] for r in runs)
        print(f"| {name:<30} | {rps:>8.0f} | {p50:>7.2f} | {p99:>7.2f} | {rps / bare_rps:>6.0%} |")


if __name__ == "__main__":
    main()
