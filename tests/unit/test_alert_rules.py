"""The alert rules, rendered with the prometheus role's defaults, pass promtool's checks and unit tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import jinja2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLE = ROOT / "roles/prometheus"
TESTS = ROOT / "tests/monitoring/rules_test.yml"
SLO_SPEC = ROLE / "files/slos.yml"
SLO_RULES = ROLE / "files/slo.rules.yml"
SLO_TESTS = ROOT / "tests/monitoring/slo_rules_test.yml"
# Always firing by design (the heartbeat of the alerting path): never quiet, severity none.
HEARTBEAT = "Watchdog"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        # Not a skip: without promtool the rules would go untested.
        pytest.fail("promtool is missing: the prometheus role builds it (scripts/test.sh runs that step)")
    return path


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """rules.yml rendered as Ansible renders it (trim_blocks), beside a copy of the unit tests."""
    defaults = yaml.safe_load((ROLE / "defaults/main.yml").read_text())
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True, autoescape=False)  # noqa: S701 (YAML)
    directory = tmp_path_factory.mktemp("rules")
    template = env.from_string((ROLE / "templates/rules.yml.j2").read_text())
    (directory / "rules.yml").write_text(template.render(defaults))
    shutil.copy(TESTS, directory / "rules_test.yml")
    shutil.copy(SLO_RULES, directory / "slo.rules.yml")
    shutil.copy(SLO_TESTS, directory / "slo_rules_test.yml")
    return directory


def alerts(rules: Path) -> list[dict]:
    groups = yaml.safe_load(rules.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def run(promtool: str, *args: str, cwd: Path) -> None:
    result = subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_pass_promtool_check(promtool: str, rules_dir: Path) -> None:
    run(promtool, "check", "rules", "rules.yml", cwd=rules_dir)


def test_rules_pass_their_unit_tests(promtool: str, rules_dir: Path) -> None:
    run(promtool, "test", "rules", "rules_test.yml", cwd=rules_dir)


def test_slo_rules_pass_promtool_check_and_their_unit_tests(promtool: str, rules_dir: Path) -> None:
    run(promtool, "check", "rules", "slo.rules.yml", cwd=rules_dir)
    run(promtool, "test", "rules", "slo_rules_test.yml", cwd=rules_dir)


def test_slo_rules_are_sloths_output_for_the_spec(tmp_path: Path) -> None:
    """The checked-in rules are what Sloth makes of slos.yml now: an edit of either alone fails (`make slos`)."""
    sloth = os.environ.get("SLOTH")
    if not sloth or not Path(sloth).exists():
        pytest.fail("Sloth is missing: run through make, which builds it (SLOTH)")
    out = tmp_path / "slo.rules.yml"
    result = subprocess.run(
        [sloth, "generate", "--input", str(SLO_SPEC), "--out", str(out)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text() == SLO_RULES.read_text(), "slo.rules.yml is not Sloth's output for slos.yml: run make slos"


def test_every_alert_is_documented(rules_dir: Path) -> None:
    found = alerts(rules_dir / "rules.yml")
    runbooks = (ROOT / "docs/runbooks.md").read_text()
    assert len(found) >= 10
    for rule in found:
        assert {"summary", "description", "runbook_url"} <= rule["annotations"].keys(), rule["alert"]
        expected = {"none"} if rule["alert"] == HEARTBEAT else {"critical", "warning"}
        assert rule["labels"]["severity"] in expected, rule["alert"]
        # The runbook_url's anchor is a heading of docs/runbooks.md.
        assert rule["annotations"]["runbook_url"].endswith("docs/runbooks.md#" + rule["alert"].lower())
        assert f"\n## {rule['alert']}\n" in runbooks, f"{rule['alert']}: no runbook section"


def test_every_slo_alert_is_documented() -> None:
    runbooks = (ROOT / "docs/runbooks.md").read_text()
    for rule in alerts(SLO_RULES):
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert rule["annotations"]["runbook_url"].endswith("docs/runbooks.md#slo-burn-rate"), rule["alert"]
    assert "\n## SLO burn rate\n" in runbooks


@pytest.mark.parametrize(("rules", "tests"), [("rules.yml", TESTS), ("slo.rules.yml", SLO_TESTS)])
def test_every_alert_is_tested_firing_and_quiet(rules_dir: Path, rules: str, tests: Path) -> None:
    cases = [case for test in yaml.safe_load(tests.read_text())["tests"] for case in test.get("alert_rule_test", [])]
    for name in {rule["alert"] for rule in alerts(rules_dir / rules)}:
        outcomes = [bool(case["exp_alerts"]) for case in cases if case["alertname"] == name]
        assert True in outcomes, f"{name}: no case where it fires"
        assert name == HEARTBEAT or False in outcomes, f"{name}: no case where it stays quiet"
