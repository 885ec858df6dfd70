# The busybox shell acceptance script (tests/proc/run-busybox-script):
# Debian's busybox-static runs it with `busybox sh script.sh`, on the host
# and as a Husk unikernel, and both outputs must be the same. PATH names
# no directory with programs, so every command is busybox itself: a
# builtin, or an applet the shell forks and execs through /proc/self/exe.
# It prints no pid, time or path that differs between the two; files go
# to a directory of its own under $TMPDIR (or /tmp), removed at the end.

d=$(mktemp -d "${TMPDIR:-/tmp}/bbscript.XXXXXX") || exit 1
trap 'cd /; rm -rf "$d"; echo "exit trap: done"' EXIT
cd "$d" || exit 1
printf 'pear\napple\nfig\nbanana\ncherry\n' > fruits.txt
mkdir sub sub/deeper
printf 'one\ntwo\n' > sub/a.txt
printf 'three\n' > sub/deeper/b.txt
printf 'not text\n' > sub/c.dat

echo "== pipelines"
ls | sort -r | head -n 2
sort fruits.txt | head -n 3 | tail -n 1
seq 20 | grep 1 | tr 1 x | sed 's/x/y/' | sort | head -n 3
seq 1000 | awk '{ s += $1 } END { print "sum", s }'
false | true; echo "status of false | true: $?"
true | false; echo "status of true | false: $?"
set -o pipefail; false | true; echo "with pipefail: $?"; set +o pipefail
echo abc | { read v; echo "read in braces: $v"; }

echo "== redirections"
echo first > out.txt
echo second >> out.txt
cat < out.txt
wc -l < out.txt
ls /no/such/file > err.txt 2>&1; echo "ls status: $?"
cat err.txt
ls /no/such/file 2>/dev/null || echo "stderr to /dev/null, status non-zero"
{ echo to-stderr >&2; } 2>&1 | sed 's/^/via pipe: /'
exec 3> fd3.txt; echo "through fd 3" >&3; exec 3>&-; cat fd3.txt
exec 4< fruits.txt; read first_fruit <&4; exec 4<&-; echo "first line through fd 4: $first_fruit"

echo "== command substitution"
n=$(sort fruits.txt | wc -l); echo "lines: $n"
echo "nested: $(echo "a $(echo b $(echo c))")"
echo "backticks: `echo old style`"
echo "arithmetic: $(( (3 + 4) * 6 ))"
len=$(printf '%s' "$(cat fruits.txt)" | wc -c); echo "bytes without the last newline: $len"

echo "== subshells"
x=outer; (x=inner; echo "in subshell: $x"); echo "after subshell: $x"
(cd sub && ls -1); echo "cwd unchanged: $( [ "$(pwd)" = "$d" ] && echo yes )"
(exit 5); echo "subshell status: $?"
echo "\$\$ in a subshell is the shell's: $( [ "$(echo $$)" = "$$" ] && echo yes )"
sh -c 'echo $PPID' > ppid.txt; echo "sh -c's \$PPID is this shell: $( [ "$(cat ppid.txt)" = "$$" ] && echo yes )"

echo "== here-documents"
name=world
cat <<EOF
hello $name
sum $((1 + 2))
EOF
cat <<'EOF'
literal $name $((1 + 2))
EOF
cat <<-EOF
	tabs stripped
	EOF
tr a-z A-Z <<EOF
shouted
EOF

echo "== background jobs"
(echo job1 > job1.txt) &
(sort fruits.txt > job2.txt) &
wait
cat job1.txt; head -n 1 job2.txt
sh -c 'exit 3' &
bg=$!
echo "\$! is set and is not \$\$: $( [ -n "$bg" ] && [ "$bg" != "$$" ] && echo yes )"
wait $bg; echo "wait \$!: $?"
sleep 100 &
sleeper=$!
kill $sleeper; wait $sleeper; echo "killed sleep: $?"
sleep 100 &
kill -9 $!; wait $!; echo "sleep killed with -9: $?"
kill -0 $$ && echo "kill -0 \$\$: ok"

echo "== traps"
trap 'echo got TERM' TERM
kill -TERM $$
trap 'echo got USR1' USR1
kill -USR1 $$
trap - TERM USR1
sh -c 'trap "echo child got INT; exit 9" INT; kill -INT $$; echo not reached'; echo "child status: $?"

echo "== xargs and find"
printf '1\n2\n3\n' | xargs -n 1 echo item
printf 'a b c d\n' | xargs sh -c 'echo "$# arguments"' sh
find . -name '*.txt' | sort
find sub -type f -name '*.txt' -exec wc -l {} \; | sort
find sub -type d | sort | xargs echo dirs:

echo "== sh -c"
sh -c 'echo "$0 $1 $2"' zero one two
sh -c 'exit 7'; echo "sh -c 'exit 7': $?"
sh -c 'sh -c "echo nested shells"'
echo 'echo from stdin' | sh
echo "exit 4" > prog.sh; sh prog.sh; echo "sh prog.sh: $?"

echo "== functions"
greet() { local who=$1; echo "hello, $who"; return 3; }
greet there; echo "function status: $?"
fib() { if [ "$1" -le 1 ]; then echo "$1"; else echo $(( $(fib $(( $1 - 1 ))) + $(fib $(( $1 - 2 ))) )); fi; }
echo "fib 10: $(fib 10)"
count_args() { echo "$#"; }
echo "args: $(count_args a "b c" d)"

echo "== a loop reading a file"
i=0
while read -r fruit; do
    i=$((i + 1))
    echo "$i: $fruit"
done < fruits.txt
printf 'k1:v1\nk2:v2\n' > pairs.txt
while IFS=: read -r k v; do echo "key $k value $v"; done < pairs.txt
for f in sub/*.txt sub/*.dat; do echo "glob: $f"; done
case banana in b*) echo "case: starts with b" ;; *) echo "case: other" ;; esac

echo "script: done"
