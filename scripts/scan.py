"""The security scan (`make scan`, and a stage of `make test`), offline.

- checkov: every Kubernetes object the real inventories render (playbooks/render.yml) and services/Dockerfile;
- bandit: the Python code (findings of medium and high severity);
- detect-secrets: secrets in the tracked files.

Each finding is new unless security/baseline.yml lists it with its reason. A new finding fails the scan, and so
does a baseline entry that no longer matches anything (the baseline only shrinks by being kept honest).
"""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv/bin"
SCAN_VENV = ROOT / ".venv-scan/bin"
INVENTORIES = ("local", "staging", "production")


@dataclass(frozen=True)
class Finding:
    tool: str
    id: str
    where: str
    text: str


def run_json(argv: list[str], ok: tuple[int, ...] = (0, 1)) -> dict | list:
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode not in ok:
        sys.exit(f"{' '.join(argv[:3])} ... failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def render(directory: Path) -> None:
    """Every inventory's objects, as a deploy would apply them, into directory/<inventory>/."""
    for inventory in INVENTORIES:
        render_dir = f"render_dir={directory / inventory}"
        result = subprocess.run(
            [VENV / "ansible-playbook", "playbooks/render.yml", "-i", f"inventories/{inventory}", "-e", render_dir],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            sys.exit(f"rendering inventories/{inventory} failed:\n{result.stdout[-3000:]}")


def checkov(rendered: Path) -> list[Finding]:
    # --skip-download: no network (checkov would fetch guidelines); --compact: no code blocks in the JSON.
    common = [SCAN_VENV / "checkov", "--quiet", "--compact", "--skip-download", "-o", "json"]
    reports = run_json([*common, "-d", rendered, "--framework", "kubernetes"])
    reports = [reports] if isinstance(reports, dict) else reports
    reports += [run_json([*common, "-f", "services/Dockerfile", "--framework", "dockerfile"])]
    return [
        # where: <inventory>/<group>.yaml:<Kind>.<namespace>.<name>, or services/Dockerfile:<instruction>
        Finding("checkov", f["check_id"], f"{f['file_path'].lstrip('/')}:{f['resource']}", f["check_name"])
        for report in reports
        if "results" in report
        for f in report["results"]["failed_checks"]
    ]


def bandit() -> list[Finding]:
    # The tracked files only: a build/ left by `pip wheel` holds copies of the sources.
    tracked = subprocess.run(["git", "ls-files", "*.py"], check=True, capture_output=True, text=True).stdout.split()
    report = run_json([SCAN_VENV / "bandit", *tracked, "-f", "json", "-q", "--severity-level", "medium"])
    return [
        Finding(
            "bandit",
            r["test_id"],
            r["filename"].removeprefix("./"),
            f"{r['issue_severity']}: {r['issue_text']} (line {r['line_number']})",
        )
        for r in report["results"]
    ]


def secrets() -> list[Finding]:
    report = run_json([SCAN_VENV / "detect-secrets", "scan"], ok=(0,))
    return [
        Finding(
            "detect-secrets", f"{s['type']}:{s['hashed_secret'][:12]}", path, f"{s['type']} (line {s['line_number']})"
        )
        for path, found in report["results"].items()
        for s in found
    ]


def main() -> int:
    baseline = yaml.safe_load((ROOT / "security/baseline.yml").read_text())["findings"]
    with tempfile.TemporaryDirectory() as tmp:
        render(Path(tmp))
        kubernetes = checkov(Path(tmp))
    tools = {"checkov": kubernetes, "bandit": bandit(), "detect-secrets": secrets()}

    def listed(finding: Finding, entry: dict) -> bool:
        return (
            finding.tool == entry["tool"]
            and fnmatch.fnmatch(finding.id, entry["id"])
            and fnmatch.fnmatch(finding.where, entry["where"])
        )

    new = [f for found in tools.values() for f in found if not any(listed(f, e) for e in baseline)]
    stale = [e for e in baseline if not any(listed(f, e) for found in tools.values() for f in found)]
    for f in new:
        print(f"NEW  {f.tool} {f.id} {f.where}: {f.text}")
    for e in stale:
        print(f"STALE baseline entry (matches nothing now; remove it): {e['tool']} {e['id']} {e['where']}")
    print(f"\n{'scanner':<16}{'findings':>9}{'baselined':>10}{'new':>5}")
    for tool, found in tools.items():
        fresh = sum(f in new for f in found)
        print(f"{tool:<16}{len(found):>9}{len(found) - fresh:>10}{fresh:>5}")
    return 1 if new or stale else 0


if __name__ == "__main__":
    sys.exit(main())
