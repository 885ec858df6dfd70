"""python3 under Husk: packs DIR/files into DIR/files.tar.gz with a manifest
(SHA-256 and size of every file, JSON), checks the archive by reading it
back, compresses a CSV summary with zlib, and hashes the files in a thread
pool. Prints what it did. Usage: python3 main.py DIR"""
import concurrent.futures
import csv
import hashlib
import io
import json
import os
import sys
import tarfile
import zlib

top = sys.argv[1]
src = os.path.join(top, "files")
names = sorted(os.path.relpath(os.path.join(d, f), src) for d, _, fs in os.walk(src) for f in fs)


def digest(name):
    with open(os.path.join(src, name), "rb") as f:
        return name, hashlib.sha256(f.read()).hexdigest(), os.path.getsize(os.path.join(src, name))


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    manifest = {n: {"sha256": h, "size": s} for n, h, s in pool.map(digest, names)}

archive = os.path.join(top, "files.tar.gz")
with tarfile.open(archive, "w:gz", format=tarfile.PAX_FORMAT) as tar:
    for n in names:
        info = tar.gettarinfo(os.path.join(src, n), arcname=n)
        info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "root", "root"
        with open(os.path.join(src, n), "rb") as f:
            tar.addfile(info, f)
    data = json.dumps(manifest, indent=1, sort_keys=True).encode()
    info = tarfile.TarInfo("MANIFEST.json")
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))

# Read it back: every member's bytes match the manifest.
with tarfile.open(archive, "r:gz") as tar:
    members = tar.getmembers()
    for m in members:
        if m.name != "MANIFEST.json":
            got = hashlib.sha256(tar.extractfile(m).read()).hexdigest()
            assert got == manifest[m.name]["sha256"], m.name

rows = io.StringIO()
w = csv.writer(rows, lineterminator="\n")
w.writerow(["name", "size", "sha256"])
for n in names:
    w.writerow([n, manifest[n]["size"], manifest[n]["sha256"]])
packed = zlib.compress(rows.getvalue().encode(), 9)
with open(os.path.join(top, "summary.csv.z"), "wb") as f:
    f.write(packed)
total = sum(v["size"] for v in manifest.values())
print("files %d bytes %d members %d" % (len(names), total, len(members)))
print("manifest sha256 %s" % hashlib.sha256(data).hexdigest())
print("summary %d -> %d bytes, crc32 %08x" % (len(rows.getvalue()), len(packed), zlib.crc32(rows.getvalue().encode())))
print("python %d.%d" % sys.version_info[:2])
