"""Every program the playbooks, roles, molecule scenarios, scripts and benchmarks run is installed by one of the
project's own install steps (scripts/tools.yml says which), so a fresh machine cannot fail late on a missing one.

Programs are found by reading the code: the commands of Ansible tasks (command, shell, argv, validate, and modules
that run a program, such as ansible.posix.synchronize -> rsync), subprocess calls and shutil.which in Python, and
the commands of the shell scripts. Each must be listed in scripts/tools.yml with the file that installs it, and
that file must name the package. Run early by the test command: it takes a second.
"""

from __future__ import annotations

import ast
import re
import shlex
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Modules that run a program on the host.
MODULE_PROGRAMS = {"ansible.posix.synchronize": "rsync"}
COMMAND_MODULES = {"ansible.builtin.command", "ansible.builtin.shell", "command", "shell"}


LISTS = yaml.safe_load((ROOT / "scripts/tools.yml").read_text())


def shell_programs(script: str) -> set[str]:
    """The first word of each simple command of a shell text (comments, quoted text and heredoc bodies skipped)."""
    found: set[str] = set()
    text = re.sub(r"(^|\s)#.*", "", script, flags=re.MULTILINE)
    text = re.sub(r"<<-?\s*'?(\w+)'?\n.*?\n\s*\1\n", "\n", text, flags=re.DOTALL)
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\w+=\([^)]*\)", " Q ", text, flags=re.DOTALL)
    # Arithmetic is no command, and the script's own functions are none either.
    text = re.sub(r"\$?\(\((?:[^()]|\([^()]*\))*\)\)", " Q ", text)
    functions = set(re.findall(r"^\s*([\w-]+)\(\)\s*\{", text, flags=re.MULTILINE))
    for segment in re.split(r"\|\||&&|[|;(`\n]|\$\(|\b(?:then|do|else)\b", text):
        words = segment.split()
        if words and re.match(r"^\w+=", words[0]):
            continue  # an assignment (an env-prefixed command is rare here and shows elsewhere)
        while words and words[0] in {"nice", "-n", "10", "timeout", "exec", "!"}:
            words = words[1:]
        if words and re.fullmatch(r"[a-z][\w.+-]*", words[0]) and words[0] not in set(LISTS["shell_words"]) | functions:
            found.add(words[0])
    return found


def task_programs(node: object, task: bool = False) -> set[str]:
    """Programs the Ansible tasks in a YAML document run. A module is a key of a task, a mapping in a list: so the
    `command` parameter of kubernetes.core.k8s_exec (run in a pod) is not taken for a host command."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= task_programs(item, task=True)
    elif isinstance(node, dict):
        for key, value in node.items():
            if task and key in MODULE_PROGRAMS:
                found.add(MODULE_PROGRAMS[key])
            if task and key in COMMAND_MODULES:
                args = value if isinstance(value, dict) else {"cmd": value}
                if isinstance(args.get("argv"), list) and args["argv"]:
                    found |= shell_programs(str(args["argv"][0]))
                found |= shell_programs(re.sub(r"\{\{.*?\}\}", " X ", str(args.get("cmd", "")), flags=re.DOTALL))
            if key == "validate" and isinstance(value, str):
                found |= shell_programs(re.sub(r"\{\{.*?\}\}", " X ", value))
            found |= task_programs(value)
    return found


def python_programs(source: str) -> set[str]:
    """Programs a Python file starts: subprocess calls with a literal argv[0], and shutil.which("...")."""
    found: set[str] = set()
    for call in (n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and n.args):
        name = ast.unparse(call.func)
        first = call.args[0]
        if name.startswith("subprocess.") and isinstance(first, ast.List | ast.Tuple) and first.elts:
            first = first.elts[0]
        elif name != "shutil.which":
            continue
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and "/" not in first.value:
            found.add(shlex.split(first.value)[0] if " " in first.value else first.value)
    return found


def used_programs() -> dict[str, set[str]]:
    """program -> the files that run it."""
    used: dict[str, set[str]] = {}

    def add(programs: set[str], path: Path) -> None:
        for program in programs:
            used.setdefault(program, set()).add(str(path.relative_to(ROOT)))

    for path in [ROOT / "site.yml", *ROOT.glob("playbooks/**/*.yml"), *ROOT.glob("roles/*/tasks/*.yml")]:
        add(task_programs(yaml.safe_load(path.read_text())), path)
    for path in ROOT.glob("molecule/**/*.yml"):
        add(task_programs(yaml.safe_load(path.read_text())), path)
    for path in [
        *ROOT.glob("scripts/*.sh"),
        ROOT / "scripts/vault-password",
        *ROOT.glob("roles/local_cluster/files/*.sh"),
    ]:
        add(shell_programs(path.read_text()), path)
    # Python run on this host (the pods' scripts under roles/*/files run in their images).
    for path in [*ROOT.glob("benchmarks/*.py"), *ROOT.glob("scripts/*.py"), *ROOT.glob("tests/**/*.py")]:
        add(python_programs(path.read_text()), path)
    return used


def main() -> int:
    machine, installed = set(LISTS["machine"]), LISTS["installed"]
    problems = []
    for program, files in sorted(used_programs().items()):
        if program in machine:
            continue
        if program not in installed:
            problems.append(
                f"{program} (run by {', '.join(sorted(files))}) is installed by no install step: install it "
                "where it is used (an apt task, requirements.txt, ...) and list it in scripts/tools.yml"
            )
            continue
        entry = installed[program]
        step = ROOT / entry["step"]
        if not step.exists() or not re.search(rf"\b{re.escape(entry['package'])}\b", step.read_text()):
            problems.append(f"{program}: {entry['step']} (scripts/tools.yml) does not install {entry['package']}")
    print("\n".join(problems) or f"every program used is installed by an install step ({len(installed)} listed)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
