#!/usr/bin/env bash
# Creates the vault password file (random, mode 0600) when it is missing; prints its path.
#   scripts/ensure-vault.sh [path]   default: ~/.config/techcommerce/vault-password
# Keep a copy somewhere safe: without it, Secrets and database dumps in backups cannot be read.
set -euo pipefail
file=${1:-$HOME/.config/techcommerce/vault-password}
if [ ! -s "$file" ]; then
  mkdir -p "$(dirname "$file")"
  chmod 700 "$(dirname "$file")"
  (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$file")
  echo "created a vault password file at $file" >&2
fi
echo "$file"
