#!/usr/bin/env bash
# The test command (`make test`, and CI through .ci/run). Stages print as they start; a table of them closes the run.
#   scripts/test.sh        everything
#   scripts/test.sh lint   the tools check and the linters (make lint)
#   scripts/test.sh scan   the security scan (make scan)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bin=.venv/bin
mode=${1:-all}
# The venv's tools, and Go for building Kubernetes from the module proxy.
export PATH="$PWD/$bin:/usr/local/go/bin:$PATH"
trap stage_table EXIT

if [ "$mode" != scan ]; then
  stage "tools: every program the code runs is installed by an install step (scripts/tools.yml)"
  "$bin/python" scripts/check_tools.py
  stage "lint: ruff"
  "$bin/ruff" check .
  "$bin/ruff" format --check .
  stage "lint: yamllint"
  "$bin/yamllint" --strict .
  stage "lint: ansible-lint (production profile)"
  "$bin/ansible-lint" --strict -q
  stage "lint: GitHub workflows (actionlint, zizmor)"
  # Every run step is one make line (tests/unit/test_workflows.py), so shellcheck and pyflakes have nothing to add.
  "${ACTIONLINT:?run through make, which builds actionlint}" -no-color -shellcheck= -pyflakes=
  "$bin/zizmor" --offline --no-progress .github/workflows
fi
[ "$mode" = lint ] && exit 0

if [ "$mode" = all ]; then
  stage "PostgreSQL for the storage tests"
  TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)
  export TEST_POSTGRES_URL

  stage "secrets: this machine's vault for the local environment (playbooks/secrets.yml)"
  "$bin/ansible-playbook" playbooks/secrets.yml -i inventories/local
fi

stage "promtool and amtool (built from the Prometheus and Alertmanager modules) for the alert rules and the scan's rendering"
# The prometheus role's own install step (roles/go_build; cached by version).
"$bin/ansible" localhost -c local -i localhost, -e "ansible_python_interpreter=$PWD/$bin/python" \
  -m ansible.builtin.include_role -a "name=prometheus tasks_from=tools"

stage "security scan: checkov (every inventory's rendered objects, the Dockerfile), bandit, detect-secrets"
"$bin/python" scripts/scan.py
[ "$mode" = scan ] && exit 0

stage "pytest: services (SQLite and PostgreSQL), integration (gunicorn), fuzz (OpenAPI), unit, role e2e"
# pytest exits non-zero when a test fails and when no test ran at all.
"$bin/pytest" -p no:cacheprovider -q

# The molecule scenarios run on this host for real, in this order: the local cluster is built
# (or found running) first and stays up for the scenarios after it.
logs=$(mktemp -d)
for scenario in local_cluster existing_cluster images platform monitoring safe_path release nodes; do
  stage "molecule: $scenario (converge, idempotence, verify on the real cluster)"
  if ! "$bin/molecule" test -s "$scenario" 2>&1 | tee "$logs/$scenario.log"; then
    step "molecule: $scenario failed; its failed tasks:"
    failed_tasks "$logs/$scenario.log"
    exit 1
  fi
done
