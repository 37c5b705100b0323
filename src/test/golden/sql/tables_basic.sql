-- tables_basic: CREATE TABLE with the issue-4 types, INSERT with column lists and DEFAULT,
-- SELECT with WHERE / ORDER BY / LIMIT and aggregates, UPDATE / DELETE with RETURNING, DROP TABLE.
CREATE TABLE items (
    id int4 NOT NULL,
    small int2,
    big int8 DEFAULT 42,
    price numeric(10,2),
    ratio float4,
    score float8,
    name text,
    code varchar(8),
    flag char(3) DEFAULT 'ab',
    active bool DEFAULT true,
    born date,
    seen timestamp,
    seen_tz timestamptz,
    data bytea,
    uid uuid
);
INSERT INTO items (id, small, price, ratio, score, name, code, born, seen, seen_tz, data, uid) VALUES
    (1, 10, 9.99, 0.5, 1.25, 'apple', 'A1', '2024-01-02', '2024-01-02 03:04:05', '2024-01-02 03:04:05+00', '\x0102', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
    (2, 20, 19.50, 1.5, 2.5, 'banana', 'B2', '2023-12-31', '2023-12-31 23:59:59', '2023-12-31 23:59:59+00', '\xff', 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'),
    (3, NULL, NULL, NULL, NULL, 'cherry', NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO items (id, name, big, active) VALUES (4, 'date', DEFAULT, false), (5, DEFAULT, 7, DEFAULT);
INSERT INTO items VALUES (6, 1, 2, 3.5, 4, 5, 'fig', 'F6', 'xyz', true, '2020-02-29', '2020-02-29 12:00:00', '2020-02-29 12:00:00+00', '\x', 'c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13');
SELECT * FROM items ORDER BY id;
SELECT id, name FROM items WHERE active ORDER BY id DESC;
SELECT id, name FROM items WHERE price > 5 ORDER BY price;
SELECT id FROM items ORDER BY id LIMIT 2;
SELECT id FROM items ORDER BY id LIMIT 2 OFFSET 3;
SELECT count(*), count(price), sum(price), min(price), max(price) FROM items;
SELECT sum(big), min(name), max(name), min(born), max(seen) FROM items;
SELECT count(*) FROM items WHERE name IS NULL;
UPDATE items SET price = price * 2 WHERE id <= 2 RETURNING id, price;
UPDATE items SET name = 'none' WHERE name IS NULL;
SELECT id, name, price FROM items ORDER BY id;
DELETE FROM items WHERE id IN (3, 4) RETURNING id, name;
DELETE FROM items WHERE id > 100;
SELECT count(*) FROM items;
INSERT INTO items (id) VALUES (NULL);
INSERT INTO items (id, code) VALUES (7, 'too long code');
CREATE TABLE items (x int4);
DROP TABLE items;
SELECT * FROM items;
DROP TABLE items;
DROP TABLE IF EXISTS items;
