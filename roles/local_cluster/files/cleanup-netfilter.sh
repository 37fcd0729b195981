#!/usr/bin/env bash
# Remove the iptables chains and rules the cluster left behind (KUBE-* from kube-proxy,
# kube-router and the kubelet, CNI-* from the bridge plugin's masquerading), keeping
# every other rule of the host. Prints "changed" when something was removed.
set -euo pipefail
changed=0
for save in iptables-save ip6tables-save; do
  restore=${save/-save/-restore}
  command -v "$save" >/dev/null || continue
  for table in filter nat mangle raw; do
    before=$("$save" -t "$table" 2>/dev/null) || continue
    after=$(printf '%s\n' "$before" | grep -Ev '(^:|-[AIj] |-g )(KUBE-|CNI-)' || true)
    if [ "$(printf '%s\n' "$before" | grep -v '^#')" != "$(printf '%s\n' "$after" | grep -v '^#')" ]; then
      printf '%s\n' "$after" | "$restore" -T "$table"
      changed=1
    fi
  done
done
# ipsets of kube-router
if command -v ipset >/dev/null; then
  for s in $(ipset list -n 2>/dev/null | grep -E '^(KUBE-|kube-router)' || true); do
    ipset destroy "$s" 2>/dev/null && changed=1 || true
  done
fi
[ "$changed" = 1 ] && echo changed || true
