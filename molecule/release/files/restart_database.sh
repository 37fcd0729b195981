#!/usr/bin/env bash
# Case 6: delete the PostgreSQL pod under load, time it until its successor is ready, and print the
# successor's start-up lines (a clean shutdown reads "was shut down at", a crash "not properly shut down").
# Usage: restart_database.sh KUBECTL [ARGS...] (a kubectl command line with its kubeconfig and namespace)
set -euo pipefail
kubectl=("$@")
now() { date +%s.%N; }
start=$(now)
"${kubectl[@]}" delete pod postgres-0 --wait=true
deleted=$(now)
for _ in $(seq 300); do
  # The StatefulSet creates the successor only once the old pod is gone; until then wait has nothing to find.
  "${kubectl[@]}" wait --for=condition=Ready pod/postgres-0 --timeout=60s >/dev/null 2>&1 && break
  sleep 0.2
done
ready=$(now)
awk -v s="$start" -v d="$deleted" -v r="$ready" \
  'BEGIN { printf "postgres-0 stopped in %.1f s; its successor was ready %.1f s after the delete\n", d - s, r - s }'
"${kubectl[@]}" logs postgres-0 | grep "database system" || true
