#!/usr/bin/python
"""Ansible module: a content digest of a build's inputs, for content-addressed image tags."""

from __future__ import annotations

DOCUMENTATION = r"""
module: images_digest
short_description: Digest the files and settings an image is built from
description:
  - Walks files and directories, skipping excluded names, and hashes each file's relative path,
    mode and content together with free-form I(extra) data (build arguments, package lists).
  - Read-only; the same inputs always give the same digest, so an image tagged with it is rebuilt
    exactly when something that goes into it changed.
options:
  paths:
    description: Files or directories to include; relative ones are taken from I(root).
    type: list
    elements: str
    required: true
  root:
    description:
      - Paths are recorded relative to this directory, so the digest does not depend on where the
        repository is checked out.
    type: path
    required: true
  exclude:
    description: File or directory names (glob patterns) to skip wherever they occur.
    type: list
    elements: str
    default: []
  extra:
    description: Anything else that shapes the image (base image reference, build arguments).
    type: raw
    default: null
  repository:
    description: When given, I(ref) is returned as C(repository:<first 12 digest characters>).
    type: str
"""

RETURN = r"""
digest:
  description: sha256 hex digest of the inputs.
  type: str
  returned: always
files:
  description: Number of files hashed.
  type: int
  returned: always
ref:
  description: The image reference tagged with the digest.
  type: str
  returned: when repository is given
"""

import fnmatch
import hashlib
import json
import os
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule


def _excluded(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def walk(paths: list[Path], exclude: list[str]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
            continue
        if not path.is_dir():
            raise FileNotFoundError(path)
        for top, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not _excluded(d, exclude))
            files.extend(Path(top, n) for n in sorted(names) if not _excluded(n, exclude))
    return sorted(set(files))


def digest(paths: list[str], root: str, exclude: list[str], extra: object) -> tuple[str, int]:
    h = hashlib.sha256(json.dumps(extra, sort_keys=True).encode())
    files = walk([Path(root, p) for p in paths], exclude)
    for path in files:
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(b"x" if os.access(path, os.X_OK) else b"-")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest(), len(files)


ARGUMENT_SPEC = {
    "paths": {"type": "list", "elements": "str", "required": True},
    "root": {"type": "path", "required": True},
    "exclude": {"type": "list", "elements": "str", "default": []},
    "extra": {"type": "raw", "default": None},
    "repository": {"type": "str"},
}


def result(params: dict) -> dict:
    """The module's result for validated parameters."""
    try:
        value, count = digest(params["paths"], params["root"], params["exclude"], params["extra"])
    except FileNotFoundError as exc:
        return {"failed": True, "msg": f"images_digest: no such file or directory: {exc}"}
    found = {"changed": False, "digest": value, "files": count}
    if params["repository"]:
        found["ref"] = f"{params['repository']}:{value[:12]}"
    return found


def main() -> None:
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    found = result(module.params)
    if found.get("failed"):
        module.fail_json(msg=found["msg"])
    module.exit_json(**found)


if __name__ == "__main__":
    main()
