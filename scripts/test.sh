#!/usr/bin/env bash
# The test command (`make test`, and CI through .ci/run). Stages print as they start.
#   scripts/test.sh        everything
#   scripts/test.sh lint   linters only
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bin=.venv/bin
# The venv's tools, and Go for building Kubernetes from the module proxy.
export PATH="$PWD/$bin:/usr/local/go/bin:$PATH"

step "lint: ruff"
"$bin/ruff" check .
"$bin/ruff" format --check .
step "lint: yamllint"
"$bin/yamllint" --strict .
step "lint: ansible-lint (production profile)"
"$bin/ansible-lint" --strict -q
[ "${1:-all}" = lint ] && exit 0

step "PostgreSQL for the storage tests"
TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)
export TEST_POSTGRES_URL

step "secrets: this machine's vault for the local environment (playbooks/secrets.yml)"
"$bin/ansible-playbook" playbooks/secrets.yml -i inventories/local

step "promtool and amtool (Debian's prometheus packages) for the alert-rule tests"
# The prometheus role's own install step (policy-rc.d keeps the packages' daemons from starting).
"$bin/ansible" localhost -c local -i localhost, -e "ansible_python_interpreter=$PWD/$bin/python" \
  -m ansible.builtin.include_role -a "name=prometheus tasks_from=tools"

step "pytest: services (SQLite and PostgreSQL), integration (gunicorn), fuzz (OpenAPI), unit, role e2e"
# pytest exits non-zero when a test fails and when no test ran at all.
"$bin/pytest" -p no:cacheprovider -q

# The molecule scenarios run on this host for real, in this order: the local cluster is built
# (or found running) first and stays up for the scenarios after it.
logs=$(mktemp -d)
for scenario in local_cluster existing_cluster images platform monitoring safe_path release; do
  step "molecule: $scenario (converge, idempotence, verify on the real cluster)"
  if ! "$bin/molecule" test -s "$scenario" 2>&1 | tee "$logs/$scenario.log"; then
    step "molecule: $scenario failed; its failed tasks:"
    failed_tasks "$logs/$scenario.log"
    exit 1
  fi
done
