-- sqlite3 under Husk: a database on the -b disk, built and queried.
PRAGMA journal_mode = WAL;
CREATE TABLE city(id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT, population INTEGER);
CREATE TABLE reading(city INTEGER REFERENCES city(id), day INTEGER, celsius REAL);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO city SELECT i, 'city-' || i, char(65 + i % 26) || char(65 + i % 7), (i * 7919) % 1000003 FROM n;
WITH RECURSIVE d(day) AS (SELECT 1 UNION ALL SELECT day + 1 FROM d WHERE day < 60)
INSERT INTO reading SELECT id, day, ((id * 31 + day * 17) % 400) / 10.0 - 5 FROM city, d;
COMMIT;
CREATE INDEX reading_city ON reading(city, day);
CREATE VIEW hottest AS SELECT c.name, max(r.celsius) AS t FROM city c JOIN reading r ON r.city = c.id GROUP BY c.id;
SELECT count(*), sum(population) FROM city;
SELECT count(*), round(avg(celsius), 4), min(celsius), max(celsius) FROM reading;
SELECT country, count(*), sum(population) FROM city GROUP BY country ORDER BY 3 DESC LIMIT 5;
SELECT name, t FROM hottest ORDER BY t DESC, name LIMIT 5;
UPDATE city SET population = population + 1 WHERE id % 10 = 0;
DELETE FROM reading WHERE day > 50;
SELECT changes();
SELECT count(*) FROM reading;
PRAGMA wal_checkpoint(TRUNCATE);
PRAGMA journal_mode = DELETE;
VACUUM;
PRAGMA integrity_check;
