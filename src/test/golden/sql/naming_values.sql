-- Result column names (?column?, aliases with and without AS, quoted aliases, names taken from casts,
-- functions, CASE and other expressions) and VALUES row lists with type unification.
SELECT 1;
SELECT 1 AS one, 2 two, 3 AS "Three", 4 AS "with space", 5 AS select;
SELECT 1 + 1, (1), -1, 'x', NULL, true;
SELECT 1::int8, CAST(1 AS numeric), 1::float8, 'a'::text, true::bool, int4 '5', 1::int4::int2;
SELECT CASE WHEN true THEN 1 END, COALESCE(1, 2), NULLIF(1, 2), GREATEST(1, 2), LEAST(1, 2);
SELECT current_user, current_database();
SELECT 1 AS a, 2 AS a;
SELECT 1 AS "";
SELECT 1 AS ABC, 2 AS "ABC", 3 AS Mixed;
SELECT 1 IN (1), 1 BETWEEN 0 AND 2, 'a' LIKE 'a', NOT true, 1 IS NULL;
SELECT;
SELECT 1 AS x, ('a' || 'b') AS "y", 3 "z";
VALUES (1);
VALUES (1, 'a'), (2, 'b'), (3, NULL);
VALUES (1), (2.5), (3::int8);
VALUES (1), (NULL), (2);
VALUES (NULL), (NULL);
VALUES ('a'), ('bb'), ('');
VALUES (1, 2), (3);
VALUES (1), ('a');
VALUES (1), (true);
VALUES (1 + 1, 2 * 3, 'x' || 'y', 1 < 2, CASE WHEN true THEN 'c' END);
VALUES (1 / 0);
VALUES (1), (2 / 0);
VALUES (1.5::float8), (2), (0.1);
VALUES (true), ('false'), (NULL);
