"""A wrong canary setting stops a release before anything changes, naming the setting and its value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.ansible_run import playbook

PLAYBOOK = Path(__file__).with_name("release_settings.yml")


def check(tmp_path: Path, **settings: object) -> tuple[int, str]:
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(settings))
    run = playbook(PLAYBOOK, "-e", f"@{extra}")
    return run.rc, run.output


def test_the_default_canary_settings_pass(tmp_path: Path) -> None:
    rc, output = check(tmp_path)
    assert rc == 0, output[-3000:]


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"release_canary_seconds": -30}, "release_canary_seconds >= 0 (got -30)"),
        ({"release_canary_max_error_ratio": 1.5}, "release_canary_max_error_ratio from 0 to below 1 (got 1.5)"),
        ({"release_canary_max_latency_ratio": 0.5}, "release_canary_max_latency_ratio >= 1 (got 0.5)"),
        ({"release_canary_traffic_rate": 5000}, "to 100 per second (got 5000)"),
        (
            {"release_canary_traffic_paths": ["http://example.com/"]},
            'paths starting with / (got ["http://example.com/"])',
        ),
    ],
    ids=["negative-seconds", "ratio-above-one", "latency-below-one", "flood", "another-host"],
)
def test_a_bad_canary_setting_is_refused_by_name(tmp_path: Path, settings: dict, named: str) -> None:
    rc, output = check(tmp_path, **settings)
    assert rc != 0
    assert named in output, output[-3000:]
