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
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
port=${GOLDEN_REF_PORT_NUM:-55445}
host=127.0.0.1
cleanup_cmds=()

cleanup() {
    local c
    for c in "${cleanup_cmds[@]}"; do eval "$c" || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pgref() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u pgref -- "$@"; else "$@"; fi
}

start_own_postgres() {
    # fallback 3: our own throwaway cluster
    if [[ $(id -u) -eq 0 ]] && ! id pgref >/dev/null 2>&1; then
        useradd -m pgref
    fi
    local dir
    dir=$(mktemp -d /tmp/golden-ref-XXXXXX)
    if [[ $(id -u) -eq 0 ]]; then chown pgref: "$dir"; fi
    chmod 700 "$dir"
    cleanup_cmds+=("as_pgref '$PGBIN/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null 2>&1; rm -rf -- '$dir'")
    as_pgref "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pgref "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=20" start >/dev/null \
        || { tail -n 20 "$dir/postgres.log" >&2; exit 1; }
}

if [[ -n ${GOLDEN_REF_PORT:-} ]]; then
    host=${GOLDEN_REF_HOST:-127.0.0.1}
    port=$GOLDEN_REF_PORT
else
    refpg=
    [[ ${GOLDEN_USE_REFPG:-1} == 0 ]] || for cand in "$root/../shared/tools/refpg.sh" /work/shared/tools/refpg.sh; do
        if [[ -x $cand ]]; then refpg=$cand; break; fi
    done
    if [[ -n $refpg ]]; then
        if ! REFPG_ANY_PORT=1 "$refpg" status "$port" >/dev/null 2>&1; then
            REFPG_ANY_PORT=1 "$refpg" start "$port" >&2
            cleanup_cmds+=("REFPG_ANY_PORT=1 '$refpg' stop '$port' >/dev/null")
        fi
    else
        start_own_postgres
    fi
fi

psql15=${PSQL:-$PGBIN/psql}
version=$(PGCONNECT_TIMEOUT=10 "$psql15" -X -A -t -h "$host" -p "$port" -U postgres -d postgres \
    -c 'SHOW server_version_num')
if [[ $version != 15* ]]; then
    echo "generate: the reference at $host:$port is not PostgreSQL 15 (server_version_num $version)" >&2
    exit 1
fi

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
