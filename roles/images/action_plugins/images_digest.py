"""Runs the images_digest module's code in the controller process.

The inputs are the controller's files (images are built where Ansible runs), and a module
would cost a Python process per image; this plugin computes the same result in-process.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ansible.plugins.action import ActionBase

_spec = importlib.util.spec_from_file_location(
    "images_digest_module", Path(__file__).resolve().parent.parent / "library/images_digest.py"
)
assert _spec and _spec.loader
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)


class ActionModule(ActionBase):
    _supports_check_mode = True

    def run(self, tmp: Any = None, task_vars: dict | None = None) -> dict:
        super().run(tmp, task_vars)
        _validation, params = self.validate_argument_spec(argument_spec=_module.ARGUMENT_SPEC)
        return _module.result(params)
