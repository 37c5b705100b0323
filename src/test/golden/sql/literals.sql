-- Literals of every kind in SELECT without FROM: integers of each size, numeric, float exponent
-- forms, strings (standard, E'', doubled quotes, dollar-quoted), booleans, NULL and typed literals.
-- psql right-aligns numeric columns and left-aligns others, so the layout shows the resolved type.
SELECT 0, 1, -1, +7;
SELECT 32767, 32768, 2147483647, 2147483648;
SELECT 9223372036854775807, 9223372036854775808, -9223372036854775808;
SELECT 123456789012345678901234567890;
SELECT 1.5, .5, 5., 0.000, 00012.3400;
SELECT 1e3, 1E3, 1.5e-3, 2.5E+2, 1e0;
SELECT 'abc', '', 'it''s', 'multi word string';
SELECT E'tab\there', E'quote\'s', E'back\\slash', E'\101\x42\u0043';
SELECT $$dollar 'quoted'$$, $tag$with $$ inside$tag$;
SELECT 'con' 'catenated';
SELECT 'con'
    'catenated'
    'across lines';
SELECT TRUE, FALSE, true, False;
SELECT NULL;
SELECT NULL, 1, NULL;
SELECT int2 '12', int4 '34', int8 '56', numeric '7.80', float8 '9.5', text 'ten', bool 'yes';
SELECT integer '1', smallint '2', bigint '3', double precision '5.25', decimal '6.0', boolean 'f';
SELECT 'x' AS a, 'y' AS b;
SELECT -0, -0.0, - 5, -(-5);
SELECT 1_000;
SELECT 0x1F;
SELECT 'abc'::text, text 'abc', CAST('abc' AS text);
SELECT U&'d\0061t\+000061';
