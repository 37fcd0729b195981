#!/bin/sh
# Entry point with the official postgres image's interface, so either image serves the database role:
#   POSTGRES_PASSWORD (required to initialise), POSTGRES_USER (postgres), POSTGRES_DB (= user), PGDATA.
# Runs as any non-root uid that owns PGDATA's volume.
set -eu
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
bin=/usr/lib/postgresql/15/bin
# The usual socket directory when it is writable (a volume in the cluster), else /tmp.
socket_dir=/var/run/postgresql
[ -w "$socket_dir" ] || socket_dir=/tmp

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "error: POSTGRES_PASSWORD must be set to initialise a new database in $PGDATA" >&2
    exit 1
  fi
  echo "initialising a new database cluster in $PGDATA"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$socket_dir" -w start >/dev/null
    "$bin/psql" -h "$socket_dir" -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 -q \
      -c "CREATE DATABASE \"$POSTGRES_DB\""
    "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  fi
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories="$socket_dir" "$@"
