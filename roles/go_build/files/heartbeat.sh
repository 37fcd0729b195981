#!/usr/bin/env bash
# One heartbeat of a background build (roles/go_build): waits up to SECONDS for the Ansible async job to end, then
# prints the time since the build started and its latest step (a "==>" line of its log), or "finished".
# usage: heartbeat.sh RESULTS_FILE LOG SECONDS
set -u
results=$1 log=$2 seconds=$3
# The async job's results file says "finished": false until the command ends, then holds its result.
running() { grep -Eq '"finished": *(false|0)[,}]' "$results" 2>/dev/null; }
for ((i = 0; i < seconds; i++)); do running || break; sleep 1; done
start=$(sed -n '1s/^started //p' "$log" 2>/dev/null)
elapsed=$(($(date +%s) - ${start:-$(date +%s)}))
step=$(grep '^==>' "$log" 2>/dev/null | tail -n 1)
printf '%dm%02ds %s%s\n' $((elapsed / 60)) $((elapsed % 60)) "${step#==> }" "$(running || echo ' - finished')"
