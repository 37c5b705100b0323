-- Typmods and input edge cases of the issue-4 column types: varchar(n)/char(n) explicit casts, numeric(p,s)
-- rounding and overflow, integer range errors, bool spellings, float and numeric specials, uuid, bytea.
SELECT 'abc'::varchar(2), 'abc'::char(2), 'a'::char(3) || '|', length('a '::char(3)), 'ab  '::varchar(2);
SELECT 'a '::char(3) = 'a'::char(1), 'a'::char(3)::text || '|', 'a'::char(3)::varchar || '|';
SELECT '12345.678'::numeric(7,2), '-0.005'::numeric(5,2), 0.5::numeric(1,0), 'NaN'::numeric(5,2);
SELECT '12345.678'::numeric(5,2);
SELECT 99999.995::numeric(7,2);
SELECT 'Infinity'::numeric(5,2);
SELECT 'Infinity'::numeric, '-Infinity'::numeric, 'NaN'::numeric;
SELECT '32768'::int2;
SELECT '2147483648'::int4;
SELECT '9223372036854775808'::int8;
SELECT ' 12 '::int4, '+5'::int8, '-9223372036854775808'::int8, '-32768'::int2;
SELECT '1.5'::int4;
SELECT 'yes'::bool, 'NO'::bool, 'on'::bool, 'of'::bool, '1'::bool, ' t '::bool, 'fal'::bool;
SELECT 'o'::bool;
SELECT 'NaN'::float8, 'Infinity'::float4, '-inf'::float8, '-0'::float8;
SELECT '1e400'::float8;
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '{a0eebc999c0b4ef8bb6d6bb9bd380a11}'::uuid;
SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid, 'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11'::uuid;
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'::uuid;
SELECT '\x414243'::bytea, 'abc\\def'::bytea, 'a\101b'::bytea, '\x'::bytea;
SELECT '\x4'::bytea;
SELECT 'a\9'::bytea;
SET bytea_output = 'escape';
SELECT '\x41420001ff'::bytea, 'a\\b'::bytea;
RESET bytea_output;
