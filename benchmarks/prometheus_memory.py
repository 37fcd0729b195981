"""Prometheus memory at rest: upstream 3.x (this project's build) against Debian's 2.42, side by side.

Both run on this host at once, with the same configuration: the platform's alert and SLO rules (rendered by
the prometheus role into ~/.cache/techcommerce/monitoring/prometheus) and the same targets, the platform's
pods at their pod addresses (listed with kubectl), scraped every 5 s. After SECONDS (default 180) each one's
resident memory and Go heap in use are printed as a table with their ratio.

usage: python benchmarks/prometheus_memory.py [SECONDS]   (needs the local cluster and `make up`)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CONFIG_DIR = Path.home() / ".cache/techcommerce/monitoring/prometheus"
UPSTREAM = Path.home() / ".cache/techcommerce/go/prometheus/v0.316.0/prometheus"
DEBIAN = "/usr/bin/prometheus"


def targets() -> list[str]:
    pods = json.loads(
        subprocess.run(
            [
                str(Path(sys.executable).parent / "kubectl"),
                "get",
                "pods",
                "-A",
                "-l",
                "app.kubernetes.io/part-of=techcommerce",
                "-o",
                "json",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )["items"]
    found = []
    for pod in pods:
        if pod["status"].get("phase") != "Running" or not pod["status"].get("podIP"):
            continue
        for container in pod["spec"]["containers"]:
            found += [
                f"{pod['status']['podIP']}:{p['containerPort']}"
                for p in container.get("ports", [])
                if p.get("name") == "http"
            ]
    return found


def config(directory: Path, scrape: list[str]) -> Path:
    for name in ("rules.yml", "slo.rules.yml"):
        (directory / name).write_text((CONFIG_DIR / name).read_text())
    path = directory / "prometheus.yml"
    path.write_text(
        json.dumps(
            {
                "global": {"scrape_interval": "5s", "evaluation_interval": "5s"},
                "rule_files": [str(directory / "rules.yml"), str(directory / "slo.rules.yml")],
                "scrape_configs": [
                    {"job_name": "prometheus", "static_configs": [{"targets": ["localhost:9090"]}]},
                    {"job_name": "platform", "static_configs": [{"targets": scrape}]},
                ],
            }
        )
    )
    return path


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def heap_bytes(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("go_memstats_heap_inuse_bytes "):
                return float(line.split()[1])
    return 0.0


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 180
    if not Path(DEBIAN).exists():
        sys.exit(f"{DEBIAN} is missing: the comparison needs Debian's build (apt-get install prometheus)")
    scrape = targets()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, (label, binary) in enumerate(
            [("upstream 3.16 (this build)", str(UPSTREAM)), ("Debian 2.42", DEBIAN)]
        ):
            directory = Path(tmp) / str(index)
            directory.mkdir()
            port = 19090 + index
            process = subprocess.Popen(
                [
                    binary,
                    f"--config.file={config(directory, scrape)}",
                    f"--storage.tsdb.path={directory / 'data'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            runs.append((label, process, port))
        print(f"# {len(scrape)} platform targets, 5 s scrapes, both running for {seconds} s", flush=True)
        for elapsed in range(0, seconds, 30):
            print(f"  {elapsed} s of {seconds} ...", flush=True)
            time.sleep(min(30, seconds - elapsed))
        rows = [(label, rss_kib(process.pid) / 1024, heap_bytes(port) / 2**20) for label, process, port in runs]
        for _, process, _ in runs:
            process.terminate()
            process.wait(timeout=30)
    print(f"| {'Prometheus':<28} | {'RSS MiB':>8} | {'heap in use MiB':>15} |")
    print(f"|{'-' * 30}|{'-' * 10}|{'-' * 17}|")
    for label, rss, heap in rows:
        print(f"| {label:<28} | {rss:8.1f} | {heap:15.1f} |")
    print(f"ratio upstream/Debian: RSS {rows[0][1] / rows[1][1]:.2f}, heap {rows[0][2] / rows[1][2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
