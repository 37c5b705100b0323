#!/usr/bin/env bash
# psql-golden.sh - run one golden SQL file through the real psql against a server and print its output.
#
#   scripts/golden/psql-golden.sh HOST PORT NAME [USER] [DATABASE]
#
# NAME is a file stem: src/test/golden/sql/NAME.sql. The output (stdout and stderr of psql, interleaved
# through one pipe) is exactly what src/test/golden/expected/NAME.out holds when the server is
# PostgreSQL 15. This script is the single definition of how a golden file is run: scripts/golden/generate.sh
# uses it against the reference PostgreSQL 15 to write the expected files, and GoldenSqlTest uses it
# against pgjava and compares byte for byte.
#
# How psql runs (fixed):
#   - from src/test/golden, as `psql -X -a -f preamble.sql -f sql/NAME.sql`: -X no psqlrc, -a echo every
#     input line, so statements and their results interleave; error lines carry the prefix
#     "psql:sql/NAME.sql:LINE: " (stable, and it tells you the line of the failing statement);
#   - ON_ERROR_STOP=0 (run everything), VERBOSITY=verbose (errors and notices show SQLSTATE, message,
#     DETAIL, HINT and the LINE/caret position), SHOW_CONTEXT=never;
#   - preamble.sql sets NULL display "(null)", TimeZone UTC, DateStyle 'ISO, MDY', IntervalStyle postgres,
#     extra_float_digits 1, client_min_messages notice; command tags are shown (QUIET off);
#   - environment: no PGOPTIONS/PGAPPNAME/PGTZ/PGDATESTYLE/... from the caller, LC_ALL=C.UTF-8,
#     PGCLIENTENCODING=UTF8, sslmode disable; PGPASSWORD passes through.
# The only filter: lines starting with "LOCATION:  " are removed (VERBOSITY=verbose prints PostgreSQL's
# C source file and line there; they change between minor releases and are no behaviour of ours).
#
# psql: $PSQL if set, else /usr/lib/postgresql/15/bin/psql, else psql on PATH (it must be psql 15).
# Exit status: psql's (0 = ran the whole file; 2 = could not connect, ...).
set -uo pipefail

if [[ $# -lt 3 ]]; then
    echo "usage: $0 HOST PORT NAME [USER] [DATABASE]" >&2
    exit 64
fi
host=$1 port=$2 name=$3 user=${4:-postgres} db=${5:-postgres}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
golden=$(cd "$here/../../src/test/golden" && pwd)

psql=${PSQL:-}
if [[ -z $psql ]]; then
    if [[ -x /usr/lib/postgresql/15/bin/psql ]]; then
        psql=/usr/lib/postgresql/15/bin/psql
    else
        psql=$(command -v psql) || { echo "psql-golden: no psql found (set PSQL)" >&2; exit 69; }
    fi
fi
case $("$psql" --version 2>/dev/null) in
    *" 15."*) ;;
    *) echo "psql-golden: warning: $psql is not psql 15 ($("$psql" --version 2>&1)); the expected files are psql 15's output" >&2 ;;
esac
if [[ ! -f $golden/sql/$name.sql ]]; then
    echo "psql-golden: no such file: $golden/sql/$name.sql" >&2
    exit 66
fi

cd "$golden"
env -u PGOPTIONS -u PGAPPNAME -u PGTZ -u PGDATESTYLE -u PGSERVICE -u PGSERVICEFILE -u PGDATABASE \
    -u PGHOST -u PGHOSTADDR -u PGPORT -u PGUSER -u PSQLRC -u PGGEQO -u PGCLIENTENCODING -u PGTARGETSESSIONATTRS \
    LC_ALL=C.UTF-8 LANG=C.UTF-8 PGCLIENTENCODING=UTF8 PGSSLMODE=disable PGGSSENCMODE=disable \
    PGCONNECT_TIMEOUT=20 PAGER= PSQL_PAGER= \
    "$psql" -X -a -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -v SHOW_CONTEXT=never \
        -h "$host" -p "$port" -U "$user" -d "$db" -f preamble.sql -f "sql/$name.sql" 2>&1 \
    | sed -u -e '/^LOCATION:  /d'
exit "${PIPESTATUS[0]}"
