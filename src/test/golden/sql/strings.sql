-- String concatenation (text || text, text || non-text, NULL propagation), string comparison,
-- and LIKE / NOT LIKE / ILIKE with % and _ wildcards and ESCAPE.
SELECT 'abc' || 'def', 'a' || '' || 'b', '' || '';
SELECT 'value: ' || 42, 42 || ' is the answer', 'pi ~ ' || 3.14, 'flag ' || true;
SELECT 'x' || NULL, NULL || 'y', 'x' || NULL::text || 'y';
SELECT 'a' || 'b' || 'c' || 'd';
SELECT 1 || 2;
SELECT 'abc' = 'abc', 'abc' < 'abd', 'abc' < 'ab', 'B' < 'a', '' < ' ', 'abc' <> 'ABC';
SELECT 'abc' || 1 + 2;
SELECT 'abc' LIKE 'abc', 'abc' LIKE 'a%', 'abc' LIKE '_b_', 'abc' LIKE 'b%', 'abc' LIKE '%';
SELECT 'abc' NOT LIKE 'a%', 'abc' LIKE 'ABC', 'abc' ILIKE 'ABC', 'abc' NOT ILIKE 'A_C';
SELECT '' LIKE '', '' LIKE '%', '' LIKE '_', 'a' LIKE '';
SELECT '10%' LIKE '10\%', '10x' LIKE '10\%', '10%' LIKE '10#%' ESCAPE '#', 'a_c' LIKE 'a!_c' ESCAPE '!';
SELECT 'abc' LIKE NULL, NULL LIKE 'a', NULL NOT LIKE NULL;
SELECT 'a%c' LIKE 'a%%c', 'ac' LIKE 'a%%c', 'xabcx' LIKE '%abc%', 'ab' LIKE 'a_%';
SELECT 'abc' ~~ 'a%', 'abc' !~~ 'a%', 'ABC' ~~* 'a%';
SELECT 'abc' LIKE 'a%' ESCAPE '';
SELECT 'abc' LIKE 'a%' ESCAPE 'xy';
SELECT 'caf' || E'\u00e9', 'naïve' || ' ' || '日本';
SELECT 'tab' || E'\t' || 'end', 'line1' || E'\n' || 'line2';
