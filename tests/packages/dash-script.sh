# A shell script for Debian's dash, run twice by tests/packages/run-dash-test:
# natively on Linux and as a Husk unikernel, with the same dash and the same
# helper programs (busybox applets in bin/ beside this script, first on
# PATH). The two outputs (stdout and stderr together) and exit statuses must
# be identical, so nothing here prints a pid, a time or an absolute path.
# Every external command is a forked child that execs a file of bin/.
here=${0%/*}
work=${TMPDIR:-/tmp}/dash-test.$$
mkdir -p "$work" && cd "$work" || exit 90

section() { echo; echo "== $*"; }

section pipelines
printf '3\n1\n2\n' | sort | head -n 2
printf 'b a\nc\n' | tr ' ' '\n' | sort -r | tr a-z A-Z
echo "lines: $(printf 'a\nb\nc\n' | wc -l)"
ls "$here/bin" | sort | head -n 3
false | true; echo "false|true: $?"
true | false; echo "true|false: $?"
! true; echo "! true: $?"
printf '%s\n' one two three four | while read -r w; do echo "read $w"; done | tail -n 2
printf 'x\ny\n' | xargs -n 1 echo item

section redirections
echo first > f.txt
echo second >> f.txt
cat < f.txt
wc -l < f.txt
echo replaced > f.txt; cat f.txt
{ echo to-stdout; echo to-stderr >&2; } 2>&1 | sort
{ echo only-stderr >&2; } 2>err.txt; echo "err.txt: $(cat err.txt)"
cat missing.txt 2>/dev/null || echo "cat of a missing file failed"
ls missing.txt > out.txt 2>&1; echo "ls status $?: $(cat out.txt)"
exec 3> fd3.txt; echo "through fd 3" >&3; exec 3>&-; cat fd3.txt
exec 4< f.txt; read -r line <&4; exec 4<&-; echo "read from fd 4: $line"
: > empty.txt; wc -c < empty.txt
printf 'no newline' > nonl.txt; cat nonl.txt; echo

section "command substitution"
x=$(echo a; echo b)
echo "$x" | wc -l
echo "nested: $(echo "$(echo inner)")"
echo "backquotes: `echo old style`"
echo "from a file: $(cat f.txt)"
n=$(printf '1\n2\n3\n' | wc -l); echo "arithmetic on it: $((n * 7))"
empty=$(true); echo "empty: [$empty]"
trailing=$(printf 'x\n\n\n'); echo "trailing newlines removed: [$trailing]"

section subshells
v=outer; (v=inner; echo "in: $v"); echo "out: $v"
(exit 7); echo "subshell exit: $?"
(cd /; echo "subshell cd: $PWD"); case $PWD in */dash-test.*) echo "the cd stayed in the subshell" ;; esac
( echo a; ( echo b; ( echo c ) ) ) | tr '\n' ' '; echo
{ echo group; echo current; } | wc -l

section here-documents
name=world
cat <<EOF
hello $name, $((6 * 7)), $(echo substituted)
\$name stays literal when escaped
EOF
cat <<'EOF'
quoted: $name `echo not run` $(echo not run)
EOF
cat <<-EOF
	leading tabs removed
		only the leading ones
	EOF
while read -r a b; do echo "$b-$a"; done <<EOF
1 one
2 two
EOF
sort <<EOF | head -n 1
zebra
apple
EOF

section "background jobs and wait"
sleep 1 & p=$!
[ "$p" -gt 1 ] && echo "\$! is a pid"
wait "$p"; echo "wait for sleep: $?"
sleep 0 & first=$!
sleep 0 & [ "$!" != "$first" ] && echo "each job has its own \$!"
wait
(exit 5) & wait $!; echo "wait for a subshell that exits 5: $?"
(sleep 1; echo late > late.txt) & (echo early > early.txt) &
wait; echo "wait for all: $?"; cat early.txt late.txt
for i in 1 2 3; do (echo "job $i" > "job$i.txt") & done; wait
cat job1.txt job2.txt job3.txt
wait; echo "wait with no children: $?"
sleep 5 & p=$!
kill "$p"; wait "$p"; echo "killed job: $?"
sleep 5 & p=$!
kill -KILL "$p"; wait "$p"; echo "killed with KILL: $?"
kill -0 "$p" 2>/dev/null || echo "the killed job is gone"
sleep 5 &
kill %1 2>/dev/null || kill $!; wait; echo "kill by job spec, wait: $?"

section "\$? and \$!"
true; echo "true: $?"
false; echo "false: $?"
sh_status() { return "$1"; }
sh_status 42; echo "function return: $?"
"$here/bin/ls" missing.txt 2>/dev/null; echo "exec'd program's status: $?"
no-such-command 2>/dev/null; echo "missing command: $?"
./f.txt 2>/dev/null; echo "not executable: $?"

section functions
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }
echo "5! = $(fact 5)"
count() { echo "$# args: $*"; shift; echo "after shift: $*"; }
count a "b c" d
scoped() { local v=local; echo "inside: $v"; }
v=global; scoped; echo "outside: $v"
early() { echo before; return 3; echo after; }
early; echo "early return: $?"
pipe_fn() { tr a-z A-Z; }
echo "through a function" | pipe_fn

section loops
for w in alpha beta gamma; do printf '%s ' "$w"; done; echo
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 2 ] && continue; [ $i -eq 4 ] && break; echo "while $i"; done
j=3; until [ $j -eq 0 ]; do echo "until $j"; j=$((j - 1)); done
for f in job*.txt; do echo "glob: $f"; done
for k in 1 2; do for l in a b; do [ $l = b ] && continue 2; echo "$k$l"; done; done
set -- x y z; for arg; do echo "positional $arg"; done
case "file.tar.gz" in *.gz) echo "case: gzip" ;; *) echo "case: other" ;; esac
find . -name 'job*.txt' | sort | xargs cat

section traps
trap 'echo got TERM' TERM
kill -TERM $$
echo "after TERM"
trap 'echo got USR1' USR1
kill -USR1 $$
trap - TERM USR1
(trap 'echo subshell EXIT trap' EXIT; echo in the subshell)
sh -c 'trap "echo caught INT; exit 9" INT; kill -INT $$; echo not reached'; echo "a child shell's INT trap: $?"
sh -c 'kill -TERM $$; echo not reached'; echo "a child shell killed by TERM: $?"
trap 'echo ignored' HUP; trap '' HUP; kill -HUP $$; echo "HUP ignored"; trap - HUP

section "set -e"
(set -e; false; echo "not reached"); echo "set -e exit: $?"
(set -e; if false; then :; fi; false || true; ! true; false && true; echo "survived the exceptions")
(set -e; f() { false; echo "in function (set -e is off here)"; }; f || echo "f failed"; echo done)
(set -e; x=$(false); echo "not reached either"); echo "assignment from a failing substitution: $?"
(set -e; cat missing.txt 2>/dev/null; echo "not reached"); echo "set -e after a program failed: $?"

section "exec"
(exec cat f.txt); echo "exec in a subshell: $?"
(exec ls missing.txt 2>/dev/null); echo "exec'd ls status: $?"
(exec no-such-program 2>/dev/null); echo "exec of a missing program: $?"
sh -c 'echo "child shell: $0 $1"; exit 4' name arg; echo "child shell status: $?"

section end
cd / && rm -r "$work"
echo "the script ends by exec'ing a shell that exits 3"
exec sh -c 'cat; exit 3' <<EOF
last line, from cat
EOF
