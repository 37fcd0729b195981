#!/usr/bin/env bash
# The host side of one worker node of the local cluster, which runs in a network namespace of its own: the
# namespace, a veth pair from it to the nodes' bridge (its address, forwarding, default route to the host), the
# host's route to the node's pod network, the kubelet's cgroup root, and two netfilter rules in both namespaces:
# pod-to-pod traffic keeps its source address (the bridge CNI masquerades all traffic leaving a node's own pod
# network, which would hide the client pod from the other node's NetworkPolicies), and untranslated Service
# traffic is dropped (as on the first node, tasks/service_guard.yml).
#
#   worker-node.sh up    (environment: NETNS VETH ADDRESS BRIDGE GATEWAY PREFIX POD_CIDR CLUSTER_CIDR SERVICE_CIDR CGROUP)
#   worker-node.sh down  (environment: NETNS VETH POD_CIDR CGROUP)   after the node's processes stopped
#   worker-node.sh host-down (environment: BRIDGE CLUSTER_CIDR)      after the last worker is down
# Idempotent; prints "changed" when it changed something.
set -euo pipefail
changed=0
ns() { ip netns exec "$NETNS" "$@"; }
# Run "$@" unless the check before it (a command line in $1) succeeds.
ensure() {
  local check=$1
  shift
  if ! eval "$check" >/dev/null 2>&1; then
    "$@"
    changed=1
  fi
}
pod_to_pod=(-s "${CLUSTER_CIDR:-}" -d "${CLUSTER_CIDR:-}" -m mark ! --mark 0x4000/0x4000
  -m comment --comment "techcommerce local cluster - pod to pod keeps its source" -j RETURN)
guard=(-d "${SERVICE_CIDR:-}" -m comment --comment "techcommerce local cluster - untranslated Service traffic" -j DROP)
v1_controllers() { find /sys/fs/cgroup -mindepth 1 -maxdepth 1 -type d ! -name unified; }

case $1 in
up)
  ensure "ip link show '$BRIDGE'" ip link add "$BRIDGE" type bridge
  ensure "ip -4 addr show dev '$BRIDGE' | grep -q ' $GATEWAY/'" ip addr add "$GATEWAY/$PREFIX" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  ensure "[ -e '/run/netns/$NETNS' ]" ip netns add "$NETNS"
  ensure "ip link show '$VETH'" ip link add "$VETH" type veth peer name eth0 netns "$NETNS"
  ip link set "$VETH" master "$BRIDGE" up
  ensure "ns ip -4 addr show dev eth0 | grep -q ' $ADDRESS/'" ns ip addr add "$ADDRESS/$PREFIX" dev eth0
  ns ip link set lo up
  ns ip link set eth0 up
  ensure "ns ip route show default | grep -q 'via $GATEWAY '" ns ip route replace default via "$GATEWAY"
  # Forwarding is per namespace and off in a new one; the node routes its pods' traffic.
  ensure "[ \"\$(ns cat /proc/sys/net/ipv4/ip_forward)\" = 1 ]" ns sysctl -qw net.ipv4.ip_forward=1
  ensure "ip route show '$POD_CIDR' | grep -q 'via $ADDRESS '" ip route replace "$POD_CIDR" via "$ADDRESS"
  ensure "iptables -t nat -C POSTROUTING ${pod_to_pod[*]@Q}" iptables -t nat -I POSTROUTING 1 "${pod_to_pod[@]}"
  ensure "ns iptables -t nat -C POSTROUTING ${pod_to_pod[*]@Q}" ns iptables -t nat -I POSTROUTING 1 "${pod_to_pod[@]}"
  ensure "ns iptables -t mangle -C FORWARD ${guard[*]@Q}" ns iptables -t mangle -A FORWARD "${guard[@]}"
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    ensure "[ -d '/sys/fs/cgroup/$CGROUP' ]" mkdir "/sys/fs/cgroup/$CGROUP"
  else
    for c in $(v1_controllers); do
      ensure "[ -d '$c/$CGROUP' ]" mkdir "$c/$CGROUP"
      # A new cpuset has no CPUs or memory nodes until given its parent's.
      if [ -f "$c/$CGROUP/cpuset.cpus" ] && [ -z "$(cat "$c/$CGROUP/cpuset.cpus")" ]; then
        cat "$c/cpuset.cpus" >"$c/$CGROUP/cpuset.cpus"
        cat "$c/cpuset.mems" >"$c/$CGROUP/cpuset.mems"
      fi
    done
  fi
  ;;
down)
  ensure "! ip route show '$POD_CIDR' | grep -q ." ip route del "$POD_CIDR"
  # Deleting the namespace deletes its end of the veth pair (and so both ends) and its netfilter rules.
  ensure "[ ! -e '/run/netns/$NETNS' ]" ip netns del "$NETNS"
  ensure "! ip link show '$VETH'" ip link del "$VETH"
  # The kubelet also makes it in cgroup v2's hierarchy of a hybrid host (unified/). A pod process left running (its
  # containerd was already gone, so nothing stopped it) is ended first: a cgroup with a process cannot be removed.
  roots=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 1 -type d)
  for c in /sys/fs/cgroup $roots; do
    [ -d "$c/$CGROUP" ] || continue
    pids=$(find "$c/$CGROUP" -name cgroup.procs -exec cat {} + | sort -u)
    if [ -n "$pids" ]; then
      kill -KILL $pids 2>/dev/null || true
      changed=1
    fi
  done
  for _ in $(seq 50); do
    [ -z "$(for c in /sys/fs/cgroup $roots; do [ -d "$c/$CGROUP" ] && find "$c/$CGROUP" -name cgroup.procs -exec cat {} +; done)" ] && break
    sleep 0.2
  done
  for c in /sys/fs/cgroup $roots; do
    if [ -d "$c/$CGROUP" ]; then
      find "$c/$CGROUP" -depth -type d -exec rmdir {} +
      changed=1
    fi
  done
  ;;
host-down)
  ensure "! iptables -t nat -C POSTROUTING ${pod_to_pod[*]@Q}" iptables -t nat -D POSTROUTING "${pod_to_pod[@]}"
  ensure "! ip link show '$BRIDGE'" ip link del "$BRIDGE"
  ;;
*)
  echo "usage: $0 up|down|host-down (settings in the environment)" >&2
  exit 2
  ;;
esac
[ "$changed" = 1 ] && echo changed || true
