#!/usr/bin/env bash
# Start a PostgreSQL server on loopback for the tests (Debian's package, installed when missing).
# Idempotent. Prints the admin URL the tests use as TEST_POSTGRES_URL on its last line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

port=${TEST_POSTGRES_PORT:-55432}
cluster=techcommerce-test
role=techcommerce
password=techcommerce-test  # a throwaway server on loopback, for tests only

apt_ensure postgresql >&2
version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)

if ! pg_lsclusters --no-header | awk '{print $2}' | grep -qx "$cluster"; then
  step "creating PostgreSQL $version cluster '$cluster' on 127.0.0.1:$port" >&2
  pg_createcluster "$version" "$cluster" --port "$port" -- --auth-host=scram-sha-256 --auth-local=peer >&2
  printf "listen_addresses = '127.0.0.1'\nfsync = off\nsynchronous_commit = off\n" \
    > "/etc/postgresql/$version/$cluster/conf.d/techcommerce-test.conf"
fi
if ! pg_lsclusters --no-header | awk -v c="$cluster" '$2 == c {print $4}' | grep -qx online; then
  step "starting PostgreSQL cluster '$cluster'" >&2
  pg_ctlcluster "$version" "$cluster" start >&2
fi
runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 >&2 <<SQL
SELECT 'CREATE ROLE $role LOGIN CREATEDB' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role') \gexec
ALTER ROLE $role PASSWORD '$password';
SQL
echo "postgresql+psycopg://$role:$password@127.0.0.1:$port/postgres"
