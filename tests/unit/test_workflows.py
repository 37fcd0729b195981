"""The pipeline holds no logic of its own: every job step is a pinned action or one command that is a make target
of this repository (existing) or one of its playbooks, the same a person runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
# Actions a step may use, each pinned by a full commit SHA.
ACTIONS = {"actions/checkout", "actions/cache", "actions/setup-python"}


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))


def step_problems(workflow: dict, targets: set[str]) -> list[str]:
    """Every step that is not a pinned action of ACTIONS, `make TARGET [VAR=value ...]` or a playbook of this repo."""
    problems = []
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            where = f"{job_name}: {step.get('run') or step.get('uses')}"
            if "uses" in step:
                action, _, ref = step["uses"].partition("@")
                if action not in ACTIONS or not re.fullmatch(r"[0-9a-f]{40}", ref):
                    problems.append(f"{where}: not one of {sorted(ACTIONS)} pinned by a commit SHA")
                continue
            lines = [line for line in step["run"].strip().splitlines() if line.strip()]
            words = shlex.split(lines[0]) if len(lines) == 1 else []
            if words[:1] == ["make"]:
                named = [w for w in words[1:] if "=" not in w and not w.startswith("-")]
                if not named or set(named) - targets:
                    problems.append(f"{where}: names no make target or one the Makefile lacks: {set(named) - targets}")
                if any(not re.fullmatch(r"[A-Z_]+=.*", w) for w in words[1:] if w not in named):
                    problems.append(f"{where}: only VAR=value arguments may follow the target")
            elif re.fullmatch(r"(\.venv/bin/)?ansible-playbook", words[0] if words else ""):
                playbooks = [w for w in words[1:] if w.endswith(".yml") and not w.startswith("@")]
                if len(playbooks) != 1 or not (ROOT / playbooks[0]).is_file():
                    problems.append(f"{where}: not a playbook of this repository")
            else:
                problems.append(f"{where}: a step runs one make target or playbook of this repository, nothing else")
    return problems


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_step_is_a_make_target_or_playbook(path: Path) -> None:
    assert step_problems(yaml.safe_load(path.read_text()), make_targets()) == []


def test_the_pipeline_has_its_stages_in_order() -> None:
    jobs = yaml.safe_load((ROOT / ".github/workflows/pipeline.yml").read_text())["jobs"]
    assert list(jobs) == ["test", "scan", "images", "staging", "approval", "production"]
    for before, job in zip(list(jobs), list(jobs)[1:], strict=False):
        assert before in ([jobs[job]["needs"]] if isinstance(jobs[job]["needs"], str) else jobs[job]["needs"])
    assert jobs["approval"]["environment"] == "production"
    assert "APPROVED=true" in jobs["production"]["steps"][-1]["run"]
    # Pull requests stop after the scan: the images job (and so every deploy after it) runs on pushes only.
    assert jobs["images"]["if"] == "github.event_name == 'push'"


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ("make deploy ENV=staging", None),
        ("make deploy-everything ENV=staging", "the Makefile lacks"),
        ("make", "names no make target"),
        ("make scan --always-make", "only VAR=value"),
        (".venv/bin/ansible-playbook playbooks/verify.yml -i inventories/staging", None),
        (".venv/bin/ansible-playbook playbooks/nowhere.yml", "not a playbook"),
        ("curl -sSf https://example.invalid/install.sh | sh", "nothing else"),
        ("make test\nmake scan", "nothing else"),
    ],
)
def test_the_check_catches_foreign_steps(run: str, expected: str | None) -> None:
    workflow = {"jobs": {"job": {"steps": [{"run": run}, {"uses": "actions/checkout@v4"}]}}}
    problems = step_problems(workflow, make_targets())
    assert problems[-1].endswith("pinned by a commit SHA")  # a tag is not a pin
    assert (problems[:-1] == []) if expected is None else (expected in problems[0])
