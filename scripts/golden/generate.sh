#!/usr/bin/env bash
# generate.sh - (re)write src/test/golden/expected/*.out from the reference PostgreSQL 15.
#
#   scripts/golden/generate.sh [NAME...]        all files in src/test/golden/sql, or only the stems given
#
# The expected outputs are PostgreSQL 15's own output, never edited by hand: this script starts a
# throwaway PostgreSQL 15 (trust auth, superuser "postgres", UTF8, locale C), runs each file through
# scripts/golden/psql-golden.sh (the one definition of psql flags, preamble and filter, shared with
# GoldenSqlTest), and writes expected/NAME.out. It refuses to write a file when psql could not run it.
#
# Which PostgreSQL:
#   1. GOLDEN_REF_HOST/GOLDEN_REF_PORT set: use that running server as is (must be PostgreSQL 15).
#   2. else refpg.sh from ../shared/tools beside the checkout (or /work/shared/tools), on port
#      GOLDEN_REF_PORT_NUM (default 55445); stopped again at exit unless it was already running.
#   3. else (or with GOLDEN_USE_REFPG=0) /usr/lib/postgresql/15/bin (PGBIN) started by this script in a temp dir, as the OS user
#      "pgref" (created with useradd if missing) when run as root; stopped and removed at exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
golden=$root/src/test/golden
cleanup_cmds=()
cleanup() {
    local c
    for c in "${cleanup_cmds[@]}"; do eval "$c" || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=../lib/reference-postgres.sh
. "$root/scripts/lib/reference-postgres.sh"
reference_postgres GOLDEN 55445

if [[ $# -gt 0 ]]; then
    names=("$@")
else
    names=()
    for f in "$golden"/sql/*.sql; do n=${f##*/}; names+=("${n%.sql}"); done
fi

for name in "${names[@]}"; do
    out=$golden/expected/$name.out
    if ! "$here/psql-golden.sh" "$host" "$port" "$name" >"$out.tmp"; then
        echo "generate: psql failed on $name; expected file not written:" >&2
        tail -n 5 "$out.tmp" >&2
        rm -f "$out.tmp"
        exit 1
    fi
    mv "$out.tmp" "$out"
    echo "generate: $name -> ${out#$root/} ($(grep -c '' "$out") lines)"
done
