-- numeric arithmetic and its scale rules: sum/difference keep the larger scale, products add scales,
-- division picks at least 16 significant digits, typmod rounding (half away from zero), numeric field
-- overflow (22003), division by zero (22012) and NaN.
SELECT 1.10 + 2.205, 1.10 - 2.205, 1.5 * 2.25, 0.10 * 0.10;
SELECT 10 / 3.0, 1 / 3.0, 2 / 3.00000, 1.0 / 7;
SELECT 100.0 / 4, 1.000 / 1, 123456789.123 / 1000;
SELECT 7.5 % 2, -7.5 % 2, 7.5 % -2, 10.0 % 3;
SELECT 0.1 + 0.2, 0.1 + 0.2 = 0.3;
SELECT 99999999999999999999 + 1, 99999999999999999999 * 99999999999999999999;
SELECT 1.23456789012345678901234567890 * 1000;
SELECT 1 + 1.5, 1::int8 + 1.5, 1::int2 * 2.5;
SELECT 1.5 / 0;
SELECT 1.5 % 0;
SELECT 0.0 / 0;
SELECT 1.235::numeric(4,2), 1.245::numeric(4,2), -1.245::numeric(4,2), 2.5::numeric(2,0), (-2.5)::numeric(2,0);
SELECT 123.45::numeric(4,2);
SELECT 99.995::numeric(4,2);
SELECT 0.001::numeric(3,2), 12345::numeric(5), 12345::numeric(5,0);
SELECT 123456::numeric(5);
SELECT 'NaN'::numeric, 'nan'::numeric + 1, 'NaN'::numeric = 'NaN'::numeric, 'NaN'::numeric > 1e100;
SELECT 0::numeric, -0.0::numeric, 0.000::numeric, 1.000::numeric;
SELECT numeric '1e5', numeric '1.5e-3', numeric '-  1';
SELECT numeric ' 12.5 ';
SELECT numeric '12.5.1';
SELECT 2.50 * 2, 2.50 * 2.0, (2.50 * 2)::numeric(10,1);
SELECT 1.0 / 3 * 3, 1 / 3 * 3, 1 / 3.0 * 3.0;
SELECT -1.5, - 1.5, -(1.5), +1.5;
