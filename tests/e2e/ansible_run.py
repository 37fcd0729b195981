"""Running ansible-playbook from tests, with the repository's configuration."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Run:
    rc: int
    output: str

    @property
    def changed(self) -> int:
        match = re.search(r"changed=(\d+)", self.output)
        assert match, self.output[-2000:]
        return int(match.group(1))


def playbook(path: Path, *args: str, inventory: str = "inventories/local") -> Run:
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_ROLES_PATH": str(ROOT / "roles"),
        "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(ROOT / inventory), str(path), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    return Run(result.returncode, result.stdout + result.stderr)
