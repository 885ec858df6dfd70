# Sourced by the run-NAME-test scripts of husk pkg recipes: building a
# recipe through husk pkg, starting it in the background, waiting for it,
# stopping it with SIGTERM and checking its exit status. Each test sets
# husk, out (the recipe's artefacts: HUSK_PKG_CACHE) and work (mktemp -d).
export HUSK_PKG_CACHE=$out
pids=()
cleanup() {
    for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$work/guest.log" ] && { echo "--- the guest's console (last 40 lines)"; tr -d '\r' <"$work/guest.log" | tail -40; }; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# pkg_build NAME: husk pkg build into $out (a second build must be a no-op).
pkg_build() {
    "$husk" pkg build "$1" >"$work/build.out" 2>&1 || { cat "$work/build.out"; fail "husk pkg build $1 failed"; }
    "$husk" pkg build "$1" >"$work/again.out" 2>&1 || { cat "$work/again.out"; fail "a second husk pkg build $1 failed"; }
    grep -q "is built" "$work/again.out" && ! grep -q "husk pkg: $1: " "$work/again.out" ||
        { cat "$work/again.out"; fail "a second husk pkg build $1 built again"; }
}

# pkg_start NAME [husk run flags] [-- ARGS]: husk pkg run in the background
# (it becomes husk run: its pid is husk run's), console in guest.log.
pkg_start() {
    local name=$1; shift
    "$husk" pkg run "$name" -i --timeout 600 "$@" </dev/null >"$work/guest.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
}

# wait_until WHAT COMMAND...: polls COMMAND (up to 4 min on a loaded host)
# while the guest runs.
wait_until() {
    local what=$1; shift
    for ((i = 0; i < 480; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        kill -0 "$server_pid" 2>/dev/null || fail "the guest ended before $what"
        sleep 0.5
    done
    fail "$what did not happen within 4 minutes"
}

# stop_server [STATUS...]: SIGTERM to husk run (the guest's program gets
# it); the exit status must be one of STATUS (default 0).
stop_server() {
    local want=("${@:-0}") status ok=
    kill -TERM "$server_pid"
    wait "$server_pid"
    status=$?
    pids=()
    for s in "${want[@]}"; do [ "$status" = "$s" ] && ok=1; done
    [ -n "$ok" ] || fail "after SIGTERM husk run ended with status $status, not ${want[*]}"
    stop_status=$status
}
