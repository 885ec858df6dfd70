#!/usr/bin/env python3
# A memcached text-protocol client that checks what it reads back:
# set/get of 2000 values (sizes 0..200 KB), get of many keys at once,
# add/replace/append, incr/decr, cas, delete, and 4 threads at once each
# on keys of its own. Usage: memcached-client.py PORT [ping]; prints "ok: ..."
import hashlib, socket, sys, threading

port = int(sys.argv[1])
if sys.argv[2:] == ["ping"]:  # is memcached answering?
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"version\r\n")
    sys.exit(0 if s.recv(100).startswith(b"VERSION ") else 1)


class Client:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise RuntimeError("connection closed")
            self.buf += d
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l

    def exact(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise RuntimeError("connection closed")
            self.buf += d
        d, self.buf = self.buf[:n], self.buf[n:]
        return d

    def store(self, cmd, key, value, flags=0, cas=None):
        extra = b" %d" % cas if cas is not None else b""
        self.s.sendall(b"%s %s %d 0 %d%s\r\n%s\r\n" % (cmd, key, flags, len(value), extra, value))
        return self.line()

    def get(self, *keys, cmd=b"get"):
        self.s.sendall(cmd + b" " + b" ".join(keys) + b"\r\n")
        got = {}
        while True:
            l = self.line()
            if l == b"END":
                return got
            parts = l.split()
            assert parts[0] == b"VALUE", l
            data = self.exact(int(parts[3]) + 2)[:-2]
            got[parts[1]] = (data, int(parts[2]), int(parts[4]) if len(parts) > 4 else None)

    def cmd(self, text):
        self.s.sendall(text + b"\r\n")
        return self.line()


def value(i, salt=b""):
    size = (i * 7919) % 4096 if i % 100 else 200000 + i
    seed = hashlib.sha256(b"%d%s" % (i, salt)).digest()
    return (seed * (size // 32 + 1))[:size]


def expect(what, got, want):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got[:80] if isinstance(got, bytes) else got, want[:80] if isinstance(want, bytes) else want))


c = Client()
n = 2000
for i in range(n):
    expect("set %d" % i, c.store(b"set", b"k%d" % i, value(i), flags=i), b"STORED")
for i in range(0, n, 97):
    expect("get %d" % i, c.get(b"k%d" % i), {b"k%d" % i: (value(i), i, None)})
keys = [b"k%d" % i for i in range(100, 300)]
got = c.get(*keys)
expect("multi-get", len(got), 200)
for i in range(100, 300):
    expect("multi-get %d" % i, got[b"k%d" % i][0], value(i))
expect("missing", c.get(b"nokey"), {})
expect("add existing", c.store(b"add", b"k1", b"x"), b"NOT_STORED")
expect("add new", c.store(b"add", b"fresh", b"x"), b"STORED")
expect("replace", c.store(b"replace", b"fresh", b"abc"), b"STORED")
expect("append", c.store(b"append", b"fresh", b"def"), b"STORED")
expect("appended", c.get(b"fresh")[b"fresh"][0], b"abcdef")
expect("set counter", c.store(b"set", b"counter", b"10"), b"STORED")
expect("incr", c.cmd(b"incr counter 32"), b"42")
expect("decr", c.cmd(b"decr counter 2"), b"40")
cas = c.get(b"counter", cmd=b"gets")[b"counter"][2]
expect("cas", c.store(b"cas", b"counter", b"99", cas=cas), b"STORED")
expect("cas stale", c.store(b"cas", b"counter", b"98", cas=cas), b"EXISTS")
expect("after cas", c.get(b"counter")[b"counter"][0], b"99")
expect("delete", c.cmd(b"delete k5"), b"DELETED")
expect("deleted", c.get(b"k5"), {})

errors = []


def worker(t):
    try:
        w = Client()
        for i in range(300):
            expect("thread set", w.store(b"set", b"t%d-%d" % (t, i), value(i, b"t%d" % t)), b"STORED")
        for i in range(300):
            expect("thread get", w.get(b"t%d-%d" % (t, i))[b"t%d-%d" % (t, i)][0], value(i, b"t%d" % t))
    except Exception as e:  # reported below
        errors.append("thread %d: %s" % (t, e))


threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if errors:
    raise AssertionError("; ".join(errors))
stats = {}
c.s.sendall(b"stats\r\n")
while True:
    l = c.line()
    if l == b"END":
        break
    _, k, v = l.decode().split(" ", 2)
    stats[k] = v
expect("threads", stats["threads"], "2")
print("ok: %s values set and read back (up to %d bytes), multi-get, add/replace/append, incr/decr, cas, delete, 4 clients at once; "
      "memcached %s, %s threads, %s items" % (n + 1200, max(len(value(i)) for i in range(n)), stats["version"], stats["threads"], stats["curr_items"]))
