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


def checkout(tmp_path: Path, name: str) -> Path:
    """A copy of the local inventory as a fresh clone has it: no vault file."""
    inventory = tmp_path / name / "local"
    shutil.copytree(ROOT / "inventories/local", inventory, ignore=shutil.ignore_patterns("vault.yml*"))
    return inventory


def test_local_generates_an_encrypted_vault_once_per_machine(tmp_path: Path) -> None:
    machine = tmp_path / "machine"
    first_clone, second_clone = checkout(tmp_path, "one"), checkout(tmp_path, "two")
    secrets_dir = f"platform_secrets_dir={machine}"

    first = playbook(ROOT / "playbooks/secrets.yml", "-e", secrets_dir, inventory=str(first_clone))
    assert first.rc == 0, first.output[-3000:]
    vault = machine / "vault.yml"
    assert vault.read_text().startswith("$ANSIBLE_VAULT;1.1;AES256")
    assert (first_clone / "group_vars/local/vault.yml").resolve() == vault
    plain = view(vault)
    secrets = yaml.safe_load(plain)
    assert sorted(secrets["vault_database_passwords"]) == ["orders", "products"]
    assert len(secrets["vault_grafana_admin_password"]) >= 16
    assert len(secrets["vault_postgres_admin_password"]) >= 16
    assert secrets["vault_postgres_admin_password"] not in first.output

    again = playbook(ROOT / "playbooks/secrets.yml", "-e", secrets_dir, inventory=str(first_clone))
    assert again.rc == 0 and again.changed == 0, again.output[-3000:]
    # A second clone on the same machine deploys with the same passwords, not new ones.
    second = playbook(ROOT / "playbooks/secrets.yml", "-e", secrets_dir, inventory=str(second_clone))
    assert second.rc == 0, second.output[-3000:]
    assert view(second_clone / "group_vars/local/vault.yml") == plain == view(vault)


def test_a_vault_inside_a_checkout_is_adopted_by_the_machine(tmp_path: Path) -> None:
    machine, clone = tmp_path / "machine", checkout(tmp_path, "old")
    made = playbook(
        ROOT / "playbooks/secrets.yml", "-e", f"platform_secrets_dir={tmp_path / 'elsewhere'}", inventory=str(clone)
    )
    assert made.rc == 0, made.output[-3000:]
    # As an earlier version left it: a file inside the checkout, with the passwords the cluster has.
    plain = view(clone / "group_vars/local/vault.yml")
    (clone / "group_vars/local/vault.yml").unlink()
    shutil.copy(tmp_path / "elsewhere/vault.yml", clone / "group_vars/local/vault.yml")

    adopted = playbook(ROOT / "playbooks/secrets.yml", "-e", f"platform_secrets_dir={machine}", inventory=str(clone))
    assert adopted.rc == 0, adopted.output[-3000:]
    assert view(machine / "vault.yml") == plain
    assert (clone / "group_vars/local/vault.yml").is_symlink()


def test_an_environment_without_its_vault_is_told_how_to_make_one(tmp_path: Path) -> None:
    inventory = tmp_path / "staging"
    shutil.copytree(ROOT / "inventories/staging", inventory, ignore=shutil.ignore_patterns("vault.yml"))
    run = playbook(ROOT / "playbooks/secrets.yml", inventory=str(inventory))
    assert run.rc != 0
    assert f"{inventory}/group_vars/staging/vault.yml lacks postgres-admin, grafana-admin" in run.output, run.output[
        -3000:
    ]
    assert not (inventory / "group_vars/staging/vault.yml").exists()


def test_rotating_one_password_changes_only_it(tmp_path: Path) -> None:
    clone, secrets_dir = checkout(tmp_path, "clone"), f"platform_secrets_dir={tmp_path / 'machine'}"
    assert playbook(ROOT / "playbooks/secrets.yml", "-e", secrets_dir, inventory=str(clone)).rc == 0
    before = yaml.safe_load(view(clone / "group_vars/local/vault.yml"))

    rotated = playbook(
        ROOT / "playbooks/secrets.yml", "-e", secrets_dir, "-e", "secrets_rotate=orders", inventory=str(clone)
    )
    assert rotated.rc == 0 and rotated.changed >= 1, rotated.output[-3000:]
    after = yaml.safe_load(view(clone / "group_vars/local/vault.yml"))
    assert after["vault_database_passwords"]["orders"] != before["vault_database_passwords"]["orders"]
    assert len(after["vault_database_passwords"]["orders"]) >= 16
    assert {k: v for k, v in after.items() if k != "vault_database_passwords"} == {
        k: v for k, v in before.items() if k != "vault_database_passwords"
    }
    assert after["vault_database_passwords"]["products"] == before["vault_database_passwords"]["products"]

    unknown = playbook(
        ROOT / "playbooks/secrets.yml", "-e", secrets_dir, "-e", "secrets_rotate=payments", inventory=str(clone)
    )
    assert unknown.rc != 0 and "secrets_rotate names ['database-payments']" in unknown.output, unknown.output[-3000:]


def test_rotating_where_people_keep_the_passwords_says_how(tmp_path: Path) -> None:
    inventory = tmp_path / "production"
    shutil.copytree(ROOT / "inventories/production", inventory, ignore=shutil.ignore_patterns("vault.yml"))
    run = playbook(ROOT / "playbooks/secrets.yml", "-e", "secrets_rotate=orders", inventory=str(inventory))
    assert run.rc != 0
    assert "set new values for database-orders with `ansible-vault edit" in run.output, run.output[-3000:]
