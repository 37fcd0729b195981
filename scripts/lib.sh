# Helpers sourced by the setup scripts.

step() { printf '\n==> %s\n' "$*"; }

# Timed stages: `stage NAME` starts one (and ends the one before); `trap stage_table EXIT` prints them all last,
# so the end of a long log shows how far the run got and where its time went.
_stage_names=()
_stage_starts=()
stage() { _stage_names+=("$*"); _stage_starts+=("$SECONDS"); step "$*"; }
stage_table() {
  local rc=$? i seconds result n=${#_stage_names[@]}
  printf '\n%-9s %-7s %s\n' time result stage
  for ((i = 0; i < n; i++)); do
    seconds=$(( ${_stage_starts[i + 1]:-$SECONDS} - _stage_starts[i] ))
    result=ok; [ $((i + 1)) -eq "$n" ] && [ "$rc" -ne 0 ] && result=FAILED
    printf '%4dm%02ds  %-7s %s\n' $((seconds / 60)) $((seconds % 60)) "$result" "${_stage_names[i]}"
  done
  printf '%4dm%02ds  %-7s %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$([ "$rc" -eq 0 ] && echo ok || echo FAILED)" total
  return "$rc"
}

# Install Debian packages that are missing; waits for a concurrent apt instead of failing.
apt_ensure() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing Debian packages: ${missing[*]}"
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -y -q)
  # The package lists may be absent or stale on a fresh machine.
  "${apt[@]}" update >/dev/null
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${missing[@]}"
}

# The failed tasks (rescued ones too) of an ansible/molecule log, each under its task header: printed last so the tail
# of a long CI log says what failed, not only that something did. Molecule boxes and wraps the output.
failed_tasks() {
  sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^ *│ \{0,1\}//' "$1" | awk '
    function flush() { if (msg != "" && !ignored) print task "\n" msg "\n"; msg = ""; ignored = 0 }
    /^TASK \[/ { flush(); task = $0; in_msg = 0; next }
    /^(fatal|failed): \[/ { flush(); msg = $0; in_msg = 1; lines = 1; next }
    /^\.\.\.ignoring/ { ignored = 1; next }
    in_msg && /^$/ { in_msg = 0; next }
    in_msg && lines < 40 { msg = msg "\n" $0; lines++ }
    END { flush() }'
}
