#!/usr/bin/env bash
# The test command (`make test`, and CI through .ci/run). Stages print as they start.
#   scripts/test.sh        everything
#   scripts/test.sh lint   linters only
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
bin=.venv/bin
export PATH="$PWD/$bin:$PATH"

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

step "pytest: services (SQLite and PostgreSQL), integration (gunicorn), fuzz (OpenAPI)"
# pytest exits non-zero when a test fails and when no test ran at all.
"$bin/pytest" -p no:cacheprovider -q
