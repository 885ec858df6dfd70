-- The sqlite3 case of tests/debian: the CLI in WAL mode (a MAP_SHARED
-- -shm file, fcntl locks) on a -b disk.
PRAGMA journal_mode=WAL;
CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, n INTEGER);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
  INSERT INTO t(v, n) SELECT printf('row %06d %s', x, substr('abcdefghijklmnopqrstuvwxyz', 1 + x % 26)), x * 7 % 1000 FROM c;
BEGIN;
UPDATE t SET n = n + 1 WHERE id % 3 = 0;
DELETE FROM t WHERE id % 10 = 0;
COMMIT;
CREATE INDEX t_n ON t(n);
SELECT count(*), sum(n), min(v), max(v) FROM t;
SELECT n, count(*) FROM t WHERE n < 5 GROUP BY n ORDER BY n;
PRAGMA journal_mode;
PRAGMA integrity_check;
