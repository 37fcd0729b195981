"""The images role's content digest: what changes a tag and what must not."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "images_digest", Path(__file__).resolve().parents[2] / "roles/images/library/images_digest.py"
)
assert _spec and _spec.loader
images_digest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(images_digest)


def tree(root: Path) -> Path:
    (root / "pkg/sub").mkdir(parents=True)
    (root / "pkg/a.py").write_text("a = 1\n")
    (root / "pkg/sub/b.py").write_text("b = 2\n")
    return root


def digest(root: Path, extra: object = None) -> str:
    return images_digest.digest(["pkg"], str(root), ["__pycache__", "*.pyc"], extra)[0]


def test_same_content_anywhere_gives_the_same_digest(tmp_path: Path) -> None:
    first = digest(tree(tmp_path / "one"))
    assert digest(tree(tmp_path / "two")) == first
    (tmp_path / "two/pkg/a.py").touch()  # a new mtime is not a change
    assert digest(tmp_path / "two") == first


def test_content_mode_names_and_extra_each_change_it(tmp_path: Path) -> None:
    root = tree(tmp_path / "t")
    seen = {digest(root)}
    (root / "pkg/a.py").write_text("a = 2\n")
    seen.add(digest(root))
    (root / "pkg/a.py").chmod(0o755)
    seen.add(digest(root))
    shutil.move(root / "pkg/sub/b.py", root / "pkg/sub/c.py")
    seen.add(digest(root))
    seen.add(digest(root, extra={"base": "python:other"}))
    assert len(seen) == 5


def test_excluded_files_do_not_count(tmp_path: Path) -> None:
    root = tree(tmp_path / "t")
    before = digest(root)
    (root / "pkg/__pycache__").mkdir()
    (root / "pkg/__pycache__/a.cpython-311.pyc").write_bytes(b"\0")
    (root / "pkg/x.pyc").write_bytes(b"\0")
    assert digest(root) == before
