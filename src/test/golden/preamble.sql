-- Session preamble of every golden run (scripts/golden/psql-golden.sh runs it before the file).
-- It is echoed at the top of every expected output; QUIET hides its own command tags.
\set QUIET on
\pset null '(null)'
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 1;
SET client_min_messages = notice;
\set QUIET off
