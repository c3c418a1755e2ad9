# SPDX-License-Identifier: MIT
# Sourced by tests that build their own hosts out of network namespaces.
# The rules it keeps: documentation addresses only, unique names per run (two
# runs must not collide), bounded waits, and everything made is removed on
# exit, processes ended by their own PID.

# A suffix unique to this run: the shell's PID plus randomness.
netns_suffix() { printf '%s%04x' "$$" "$((RANDOM))"; }

_cleanups=()
# cleanup_register CMD...: run CMD on exit (in reverse order of registration).
cleanup_register() { _cleanups+=("$*"); }
_run_cleanups() {
  local i
  for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[i]}" >/dev/null 2>&1 || true; done
  _cleanups=()
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

# netns_create NAME: a namespace with loopback up, deleted on exit.
netns_create() {
  ip netns add "$1"
  cleanup_register ip netns del "$1"
  ip -n "$1" link set lo up
}

# netns_veth NS1 IF1 ADDR1/LEN NS2 IF2 ADDR2/LEN: a cable between two namespaces.
netns_veth() {
  ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
  ip -n "$1" addr add "$3" dev "$2"
  ip -n "$4" addr add "$6" dev "$5"
  ip -n "$1" link set "$2" up
  ip -n "$4" link set "$5" up
}

# kill_pid_bounded PID: TERM, up to 3 s of grace, then KILL.
kill_pid_bounded() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds or time runs out.
wait_for() {
  local deadline=$(( $(date +%s%N) + $1 * 1000000000 )); shift
  until "$@" 2>/dev/null; do
    (( $(date +%s%N) < deadline )) || return 1
    sleep 0.1
  done
}
