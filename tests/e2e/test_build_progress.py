"""A long build shows its progress while it runs: a heartbeat line with the elapsed time and the build's current
step, then its result; a failed build fails the run with its output. A stand-in command replaces the real builds
(minutes of Go compilation) and a 1 s heartbeat the 30 s one."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.e2e.ansible_run import playbook

PLAYBOOK = Path(__file__).with_name("build_progress.yml")


def build(tmp_path: Path, script: str) -> tuple[str, int]:
    extra = tmp_path / "extra.json"
    creates = tmp_path / "out"
    command = f"bash -c {json.dumps(script + f'; touch {creates}')}"
    build = {"name": "stand-in", "cmd": command, "log": str(tmp_path / "build.log"), "creates": str(creates)}
    extra.write_text(json.dumps({"build": build, "go_build_heartbeat": 1}))
    run = playbook(PLAYBOOK, "-e", f"@{extra}")
    return run.output, run.rc


def test_a_build_prints_a_heartbeat_with_elapsed_time_and_step(tmp_path: Path) -> None:
    output, rc = build(tmp_path, "echo '==> building one'; sleep 3; echo '==> building two'; sleep 3")
    assert rc == 0, output[-3000:]
    beats = re.findall(r"\(item=(\dm\d\ds [^)]*)\)", output)
    assert any("building one" in b for b in beats) and any("building two" in b for b in beats), beats
    assert beats[-1].endswith("finished"), beats
    # A second run finds the cached result and neither builds nor beats.
    output, rc = build(tmp_path, "exit 1")
    assert rc == 0 and not re.search(r"item=\dm", output), output[-3000:]


def test_a_failed_build_fails_with_its_output(tmp_path: Path) -> None:
    output, rc = build(tmp_path, "echo '==> resolving'; echo 'go: module not found' >&2; exit 3")
    assert rc != 0
    assert "go: module not found" in output, output[-3000:]
