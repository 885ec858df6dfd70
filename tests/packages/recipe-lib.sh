# Shared by the tests of the kind=debian recipes (run-NAME-test HUSK OUTDIR
# MODE; sourced after husk, out and mode are set): the build mode, a run of
# the recipe's image as the root, disks, ports and the console.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
recipes=$(cd "$here/../../packages" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL ($recipe $mode): $*"; exit 1; }
timeout=${HUSK_RECIPE_TIMEOUT:-240}
memory=256
for tool in mke2fs e2fsck debugfs; do command -v "$tool" >/dev/null || fail "$tool is missing (e2fsprogs)"; done
img=$out/$recipe.img

# build_mode FILE...: the recipe's build makes OUTDIR/NAME.img, e2fsck finds
# it clean, and FILE... (the programs, the configuration) are in it.
build_mode() {
    HUSK_PKG_CACHE=$out "$husk" pkg build -o "$out" "$recipe" >"$work/build.out" 2>&1 || { cat "$work/build.out"; fail "husk pkg build $recipe failed"; }
    e2fsck -fn "$img" >"$work/fsck" 2>&1 || { cat "$work/fsck"; fail "e2fsck -fn finds $img damaged"; }
    local f
    for f in "$@"; do
        debugfs -R "stat $f" "$img" 2>/dev/null | grep -qE "Type: (regular|symlink)" || fail "$f is not in $img"
    done
    # The version the archive gave is logged; one other than the recipe's is
    # said on stderr (the archive keeps only its current version).
    local main wanted got
    # shellcheck source=/dev/null
    main=$(. "$recipes/$recipe/recipe" && echo "${debian_packages%% *}")
    wanted=$(. "$recipes/$recipe/recipe" && echo "$version")
    if [ -n "$main" ] && grep -q "husk image: resolving" "$out/logs/fetch.log" 2>/dev/null; then
        got=$(sed -n "s/^husk image: $main \([^ ]*\)\$/\1/p" "$out/logs/fetch.log" | head -n 1)
        [ -n "$got" ] || fail "the fetch log does not say which $main it took"
        if [ "$got" != "$wanted" ]; then
            grep -q "Debian's archive has $main $got; the recipe was written against $wanted" "$work/build.out" \
                || fail "$main $got was built for a recipe of $wanted without a word"
        fi
    fi
    # shellcheck source=/dev/null
    (. "$recipes/$recipe/recipe" && echo "PASS: $name $version (kind=$kind: $debian_packages): $(du -h --apparent-size "$img" | cut -f1) image, e2fsck clean, $* there")
    exit 0
}
[ "$mode" = build ] || [ -f "$img" ] || fail "no $img (the build test makes it)"

# husk_recipe [RUN OPTIONS] -- PROGRAM ARGS: the recipe's image as the root.
# With HUSK_EXEC=1 the shell becomes husk run (for a background run whose
# pid must be husk run's, so that signals reach it).
husk_recipe() {
    local run=("$husk" run qemu -i --timeout "$timeout" -M "$memory" --rootfs "$img" "$@")
    if [ -n "${HUSK_EXEC:-}" ]; then exec "${run[@]}" </dev/null; fi
    "${run[@]}" </dev/null
}
# background NAME [RUN OPTIONS] -- PROGRAM ARGS: husk_recipe in the
# background, its console in $work/NAME.log, its pid appended to pids.
background() {
    local log=$work/$1.log
    shift
    HUSK_EXEC=1 husk_recipe "$@" >"$log" 2>&1 &
    pids+=($!)
}
# stop PID: SIGTERM to husk run (it passes the signal to the program), then
# its exit status in $stopped.
stop() {
    kill -TERM "$1" 2>/dev/null
    wait "$1"
    stopped=$?
    local p rest=()
    for p in "${pids[@]}"; do [ "$p" = "$1" ] || rest+=("$p"); done
    pids=("${rest[@]+"${rest[@]}"}")
}
# The program's output from a console log: CR LF line ends, QEMU's warnings,
# husk's banner and the kernel's log lines taken out.
console_output() {
    tr -d '\r' <"$1" | sed '/^qemu-system-x86_64: warning: /d' | sed '1{/^\[husk\]$/d}' |
        perl -0pe 's/\[ *\d+\.\d{6}\] [^\n]*\n//g'
}
tail_console() { echo "---- $1 (last 30 lines)"; tr -d '\r' <"$1" | tail -30; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
free_udp_port() {
    python3 -c '
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); p = u.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass'
}
# A -b disk: an ext2 image of DIR (Husk writes ext2), and its files after a run.
make_disk() { mke2fs -q -t ext2 -d "$1" "$2" "${3:-64M}" >/dev/null || fail "mke2fs -d $1"; }
disk_file() { rm -f "$3"; debugfs -R "dump $2 $3" "$1" 2>/dev/null; [ -f "$3" ]; }
check_disk() { e2fsck -fn "$1" >"$work/fsck" 2>&1 || { cat "$work/fsck"; fail "e2fsck -fn finds the disk damaged"; }; }
# wait_for SECONDS COMMAND...: until COMMAND succeeds; fails when the
# first background run has ended or the time is up.
wait_for() {
    local limit=$(($1 * 2)) i
    shift
    for ((i = 0; i < limit; i++)); do
        "$@" && return 0
        [ "${#pids[@]}" -gt 0 ] && ! kill -0 "${pids[0]}" 2>/dev/null && return 1
        sleep 0.5
    done
    return 1
}
# run_on_disk DISK PROGRAM ARGS...: PROGRAM of the image with DISK at /data,
# in the foreground; its output (the console's, cleaned) in $work/out, its
# exit status must be 0 (else the console's end is shown and the test fails).
run_on_disk() {
    local disk=$1
    shift
    husk_recipe -b "$disk" -- "$@" >"$work/console.log" 2>&1
    local status=$?
    console_output "$work/console.log" >"$work/out"
    [ "$status" = 0 ] || { tail_console "$work/console.log"; fail "$* ended with status $status under Husk"; }
    check_disk "$disk"
}
