# The python3 case of tests/debian: standard modules that are C extensions
# loaded at run time (json, sqlite3, hashlib, ctypes: dlopen and a libffi
# callback), threads, and files on a -b disk. Prints what it computed and
# writes it to DIR/python.json; run on the host and under Husk with the same
# input, the outputs must be equal. Usage: python3 check.py DIR
import ctypes
import hashlib
import json
import os
import sqlite3
import sys
import threading

data = sys.argv[1]
with open(os.path.join(data, "input.txt"), "rb") as f:
    text = f.read()
result = {}

result["sha256"] = hashlib.sha256(text).hexdigest()
result["md5"] = hashlib.md5(text).hexdigest()
result["blake2b"] = hashlib.blake2b(text, digest_size=16).hexdigest()

words = text.decode().split()
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
encoded = json.dumps({"words": len(words), "top": top}, sort_keys=True)
result["json"] = json.loads(encoded)

db_path = os.path.join(data, "python.db")
if os.path.exists(db_path):
    os.unlink(db_path)
db = sqlite3.connect(db_path)
db.execute("create table w(word text primary key, n integer)")
db.executemany("insert into w values (?, ?)", sorted(counts.items()))
db.commit()
result["sqlite"] = list(db.execute("select count(*), sum(n), min(word), max(word) from w").fetchone())
result["sqlite_memory"] = sqlite3.connect(":memory:").execute("select sqlite_version() is not null, 6 * 7").fetchone()
db.close()

sums = [0] * 4
def work(i):
    sums[i] = sum(hashlib.sha1(f"{i}:{j}".encode()).digest()[0] for j in range(3000))
threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
result["threads"] = sums

libc = ctypes.CDLL("libc.so.6")  # dlopen
result["strlen"] = libc.strlen(b"unikernel")
values = (ctypes.c_int * 8)(5, 3, 8, 1, 9, 2, 7, 4)
compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))(
    lambda a, b: a[0] - b[0])
libc.qsort(values, len(values), ctypes.sizeof(ctypes.c_int), compare)
result["qsort"] = list(values)

out = json.dumps(result, sort_keys=True, indent=1)
with open(os.path.join(data, "python.json"), "w") as f:
    f.write(out + "\n")
print(out)
