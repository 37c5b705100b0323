-- The functions a session needs first: version(), current_user, current_database(), pg_backend_pid(),
-- pg_sleep(); and the error for a function that does not exist (42883). Values that differ between
-- installations are compared, not printed.
SELECT version() LIKE 'PostgreSQL 15.%';
SELECT current_user, current_database();
SELECT current_user = 'postgres', current_database() = 'postgres';
SELECT pg_backend_pid() > 0, pg_backend_pid() = pg_backend_pid();
SELECT pg_sleep(0);
SELECT pg_sleep(0.01), 'after sleep';
SELECT pg_sleep(NULL);
SELECT nosuchfunction(1);
SELECT nosuchfunction();
SELECT current_database;
SELECT current_user();
SELECT version(1);
