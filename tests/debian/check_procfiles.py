# Debian's readers of /proc's system files, unmodified: procps' free,
# uptime, ps and top (/proc/meminfo, uptime, loadavg, stat, PID/*),
# coreutils' df and util-linux's findmnt (/proc/self/mountinfo through
# gnulib and libmount). Each prints what it must be seen to print, as
# facts (no values): run-debian-test's "procfiles" case compares them with
# the host's.
# Usage: python3 check_procfiles.py DIR   (DIR holds the programs, DIR/lib
# their libraries, DIR/terminfo the "dumb" terminal's entry for top)
import os
import re
import subprocess
import sys

d = sys.argv[1]
env = dict(os.environ, LD_LIBRARY_PATH=d + "/lib", TERM="dumb", TERMINFO=d + "/terminfo")


def run(*args):
    out = subprocess.run([d + "/" + args[0]] + list(args[1:]), capture_output=True, text=True, env=env)
    status = "exit %d%s" % (out.returncode, ", stderr: " + out.stderr.strip() if out.stderr else "")
    return status, out.stdout.splitlines()


def fact(name, status, ok, lines):
    print("%s: %s, %s" % (name, status, "as expected" if ok else "unexpected:\n  " + "\n  ".join(lines)))


meminfo = {}
with open("/proc/meminfo") as f:
    for line in f:
        key, value = line.split(":")
        meminfo[key] = int(value.split()[0])

status, lines = run("free")
ok = (len(lines) == 3 and lines[0].split() == ["total", "used", "free", "shared", "buff/cache", "available"]
      and re.fullmatch(r"Mem:( +\d+){6}", lines[1]) is not None and re.fullmatch(r"Swap:( +\d+){3}", lines[2]) is not None
      and int(lines[1].split()[1]) == meminfo["MemTotal"])
fact("free (its total MemTotal)", status, ok, lines)

status, lines = run("uptime")
load = r"load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d"
fact("uptime", status, len(lines) == 1 and re.fullmatch(r" \d\d:\d\d:\d\d up .*, +\d+ users?, +" + load, lines[0]), lines)
status, lines = run("uptime", "-p")
fact("uptime -p", status, len(lines) == 1 and re.fullmatch(r"up( \d+ (minute|hour|day|week|year)s?,?)*", lines[0]), lines)

status, lines = run("ps", "-e", "-o", "pid,ppid,stat,comm")
mine = [l for l in lines[1:] if l.split()[0] == str(os.getpid())]
ok = lines and lines[0].split() == ["PID", "PPID", "STAT", "COMMAND"] and len(mine) == 1 and mine[0].split()[3] == "python3"
fact("ps -e lists python3 itself", status, ok, lines)
status, lines = run("ps", "u", "-p", str(os.getpid()))
ok = (len(lines) == 2 and lines[0].split()[:4] == ["USER", "PID", "%CPU", "%MEM"]
      and re.match(r"\S+ +%d +\d+\.\d +\d+\.\d +\d+ +\d+ " % os.getpid(), lines[1]) is not None)
fact("ps u (%MEM from meminfo)", status, ok, lines)

status, lines = run("top", "-b", "-n", "1")
ok = (len(lines) > 6 and re.match(r"top - \d\d:\d\d:\d\d up .*" + load + "$", lines[0]) is not None
      and lines[3].startswith("MiB Mem :") and lines[4].startswith("MiB Swap:"))
fact("top -b -n 1", status, ok, lines[:6])

status, lines = run("df", "-k", d)
fields = lines[1].split() if len(lines) == 2 else []
ok = (len(lines) == 2 and lines[0].split() == ["Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted", "on"]
      and len(fields) == 6 and (d + "/").startswith(fields[5].rstrip("/") + "/"))
fact("df -k DIR (its mount point)", status, ok, lines)
status, lines = run("df", "-k")
ok = len(lines) > 1 and any(l.split()[-1] == "/" for l in lines[1:])
fact("df -k (/ listed)", status, ok, lines)

status, lines = run("findmnt", "-n", "-o", "TARGET", "/")
fact("findmnt /", status, lines == ["/"], lines)
status, lines = run("findmnt", "-n", "-f", "-o", "TARGET,FSTYPE", "/proc")  # -f: a container may have two
fact("findmnt /proc", status, len(lines) == 1 and lines[0].split() == ["/proc", "proc"], lines)
