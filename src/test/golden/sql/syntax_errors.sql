-- Syntax errors (42601) with the error position psql turns into LINE/caret output, including errors
-- on a later line of a multi-line statement and in long lines; and undefined names (42703, 42883).
SELECT 1 +;
SELEC 1;
SELECT (1;
SELECT 1);
SELECT 1 2;
SELECT ,1;
SELECT 1,;
SELECT 1 AS;
SELECT 1 select;
SELECT * ;
SELECT CASE END;
SELECT CASE WHEN true THEN 1;
SELECT 1 BETWEEN 2;
SELECT 1 IN ();
SELECT COALESCE();
SELECT 'a' LIKE;
SELECT 1::;
SELECT CAST(1 AS);
SELECT 1
  +
  FROM;
SELECT 1,
       2,
       3 3;
SELECT 'a long string to push the error position far to the right of the line', 1, 2, 3, 4, 5, 6, 7, 8, 9 10;
SELECT x;
SELECT 1 + x;
SELECT "Quoted Column";
SELECT 1 +* 2;
SELECT 1 = = 2;
VALUES;
VALUES (1), ;
BEGIN garbage;
SET = 1;
SET application_name 'no to or equals';
SHOW;
RESET;
SELECT 1 AS "";
SELECT 'ok after errors';
