"""The controller's promtool and amtool are the images' builds: the same module, version, flags and tags, so one
cached binary (keyed <name>/<version>) serves both, and the rules are checked by the promtool the pod runs."""

from __future__ import annotations

from pathlib import Path

import yaml

ROLES = Path(__file__).resolve().parents[2] / "roles"


def test_the_controller_tools_are_built_as_the_images_builds_them() -> None:
    tools = yaml.safe_load((ROLES / "prometheus/defaults/main.yml").read_text())["prometheus_tools"]
    bases = yaml.safe_load((ROLES / "images/defaults/main.yml").read_text())["images_bases"]
    built = {tool["name"]: tool for base in bases for tool in base.get("go_tools", [])}
    assert [tool["name"] for tool in tools] == ["promtool", "amtool"]
    for tool in tools:
        assert tool == built[tool["name"]], tool["name"]
