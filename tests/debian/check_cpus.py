# How Debian's programs count the CPUs, one count a line: python3's own
# (os.cpu_count: sysconf; the affinity mask), coreutils' nproc (the
# affinity mask; --all: get_nprocs_conf), libc-bin's getconf (sysconf), and
# the readers of /proc/cpuinfo and /proc/stat. run-debian-test's "cpus" case
# expects every line to be the number of CPUs.
# Usage: python3 check_cpus.py DIR   (DIR holds the host's nproc and getconf)
import os
import subprocess
import sys

d = sys.argv[1]
print("os.cpu_count", os.cpu_count())
print("os.sched_getaffinity", len(os.sched_getaffinity(0)))
for args in (["nproc"], ["nproc", "--all"], ["getconf", "_NPROCESSORS_ONLN"], ["getconf", "_NPROCESSORS_CONF"]):
    out = subprocess.run([d + "/" + args[0]] + args[1:], capture_output=True, text=True)
    print(" ".join(args), out.stdout.strip() or "exit %d: %s" % (out.returncode, out.stderr.strip()))
with open("/proc/cpuinfo") as f:
    print("cpuinfo processors", sum(1 for line in f if line.startswith("processor")))
with open("/proc/stat") as f:
    print("stat cpuN lines", sum(1 for line in f if line[:3] == "cpu" and line[3].isdigit()))
