"""CI releases the commit's tag it pushed, from the registry: platform_image_registry and platform_image_tag turn
the images stage's content tags into those references (platform_image_refs, which the platform and monitoring
playbooks deploy too); without them a release deploys the content tags."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.ansible_run import playbook

PLAYBOOK = Path(__file__).with_name("release_images.yml")
REFS = {
    "product-api": "techcommerce/product-api:1a2b",
    "order-api": "techcommerce/order-api:3c4d",
    "frontend": "techcommerce/frontend:5e6f",
    "postgres": "techcommerce/postgres:7a8b",
    "python": "techcommerce/python:9c0d",
}


def release_images(tmp_path: Path, **extra: str) -> dict[str, str]:
    variables = tmp_path / "extra.json"
    out = tmp_path / "images.json"
    variables.write_text(json.dumps({"images_refs": REFS, "out": str(out), **extra}))
    run = playbook(PLAYBOOK, "-e", f"@{variables}", inventory="inventories/production")
    assert run.rc == 0, run.output[-3000:]
    return json.loads(out.read_text())


def test_without_a_tag_a_release_deploys_the_content_tags(tmp_path: Path) -> None:
    assert release_images(tmp_path) == {k: v for k, v in REFS.items() if k != "python"}


def test_ci_deploys_the_commit_tag_from_the_registry(tmp_path: Path) -> None:
    sha = "c0ffee" + "0" * 34  # a commit SHA (low entropy, so the secret scanner rightly ignores it)
    images = release_images(tmp_path, platform_image_registry="registry.example:5000/shop", platform_image_tag=sha)
    assert images == {k: f"registry.example:5000/shop/techcommerce/{k}:{sha}" for k in REFS if k != "python"}
