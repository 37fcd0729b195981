"""Every role documents exactly the variables it defaults, with the same values."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROLES = sorted(p.parent.parent for p in Path(__file__).resolve().parents[2].glob("roles/*/defaults/main.yml"))


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_argument_specs_match_defaults(role: Path) -> None:
    defaults = yaml.safe_load((role / "defaults/main.yml").read_text()) or {}
    options = yaml.safe_load((role / "meta/argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    # Required inputs have no default by design; everything else is defaulted and documented alike.
    optional = {name: spec for name, spec in options.items() if not spec.get("required")}
    assert sorted(optional) == sorted(defaults), "argument_specs and defaults name different variables"
    for name, spec in optional.items():
        assert spec.get("description"), f"{name} has no description"
        assert "type" in spec, f"{name} has no type"
        assert spec.get("default") == defaults[name], f"{name}: argument_specs default differs from defaults/main.yml"


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_variables_carry_the_role_prefix(role: Path) -> None:
    defaults = yaml.safe_load((role / "defaults/main.yml").read_text()) or {}
    assert [name for name in defaults if not name.startswith(f"{role.name}_")] == []


def test_every_role_is_checked() -> None:
    assert {r.name for r in ROLES} >= {
        "images",
        "local_cluster",
        "minikube",
        "existing_cluster",
        "platform",
        "release",
    }
