"""playbooks/secrets.yml: an environment's passwords live in its ansible-vault file, never in plain text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from tests.e2e.ansible_run import BIN, ROOT, playbook


def view(vault: Path) -> str:
    return subprocess.run(
        [BIN / "ansible-vault", "view", vault], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_local_generates_an_encrypted_vault_once(tmp_path: Path) -> None:
    inventory = tmp_path / "local"
    shutil.copytree(ROOT / "inventories/local", inventory, ignore=shutil.ignore_patterns("vault.yml"))
    vault = inventory / "group_vars/local/vault.yml"

    first = playbook(ROOT / "playbooks/secrets.yml", inventory=str(inventory))
    assert first.rc == 0 and first.changed == 1, first.output[-3000:]
    assert vault.read_text().startswith("$ANSIBLE_VAULT;1.1;AES256")
    plain = view(vault)
    secrets = yaml.safe_load(plain)
    assert sorted(secrets["vault_database_passwords"]) == ["orders", "products"]
    assert len(secrets["vault_grafana_admin_password"]) >= 16
    assert len(secrets["vault_postgres_admin_password"]) >= 16
    assert secrets["vault_postgres_admin_password"] not in first.output

    again = playbook(ROOT / "playbooks/secrets.yml", inventory=str(inventory))
    assert again.rc == 0 and again.changed == 0, again.output[-3000:]
    assert view(vault) == plain


def test_an_environment_without_its_vault_is_told_how_to_make_one(tmp_path: Path) -> None:
    inventory = tmp_path / "staging"
    shutil.copytree(ROOT / "inventories/staging", inventory, ignore=shutil.ignore_patterns("vault.yml"))
    run = playbook(ROOT / "playbooks/secrets.yml", inventory=str(inventory))
    assert run.rc != 0
    assert f"{inventory}/group_vars/staging/vault.yml lacks postgres-admin, grafana-admin" in run.output, run.output[
        -3000:
    ]
    assert not (inventory / "group_vars/staging/vault.yml").exists()
