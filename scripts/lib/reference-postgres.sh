# scripts/lib/reference-postgres.sh - sourced by the scripts that produce expected output from the real
# PostgreSQL 15 (scripts/golden/generate.sh, scripts/isolation/generate.sh): finds or starts the reference
# server and checks that it is PostgreSQL 15. Never run by the test suite.
#
#   reference_postgres PREFIX DEFAULT_PORT
#
# sets `host` and `port` (globals) to the reference to use, in this order of preference:
#   1. ${PREFIX}_REF_PORT (and ${PREFIX}_REF_HOST, default 127.0.0.1): a server already running there;
#   2. ../shared/tools/refpg.sh on port ${PREFIX}_REF_PORT_NUM (default DEFAULT_PORT), started if needed
#      (unless ${PREFIX}_USE_REFPG=0);
#   3. a throwaway cluster of $PGBIN (default /usr/lib/postgresql/15/bin) run as the OS user pgref
#      (created when running as root; PostgreSQL refuses to run as root).
# Whatever it starts is stopped by the caller's EXIT trap through `cleanup_cmds`, which the caller
# declares (an array of shell commands run in order). Exits with status 1 if the reference is not 15.x.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_pgref() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u pgref -- "$@"; else "$@"; fi
}

# start_own_postgres NAME: a throwaway cluster in /tmp/NAME-ref-XXXXXX on $port
start_own_postgres() {
    if [[ $(id -u) -eq 0 ]] && ! id pgref >/dev/null 2>&1; then
        useradd -m pgref
    fi
    local dir
    dir=$(mktemp -d "/tmp/$1-ref-XXXXXX")
    if [[ $(id -u) -eq 0 ]]; then chown pgref: "$dir"; fi
    chmod 700 "$dir"
    cleanup_cmds+=("as_pgref '$PGBIN/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null 2>&1; rm -rf -- '$dir'")
    as_pgref "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pgref "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=20" start >/dev/null \
        || { tail -n 20 "$dir/postgres.log" >&2; exit 1; }
}

reference_postgres() {
    local prefix=$1 default_port=$2 given_port given_host port_num use_refpg refpg cand
    given_port=$(eval "echo \${${prefix}_REF_PORT:-}")
    given_host=$(eval "echo \${${prefix}_REF_HOST:-127.0.0.1}")
    port_num=$(eval "echo \${${prefix}_REF_PORT_NUM:-$default_port}")
    use_refpg=$(eval "echo \${${prefix}_USE_REFPG:-1}")
    local root_dir
    root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    host=127.0.0.1
    port=$port_num
    if [[ -n $given_port ]]; then
        host=$given_host
        port=$given_port
    else
        refpg=
        [[ $use_refpg == 0 ]] || for cand in "$root_dir/../shared/tools/refpg.sh" /work/shared/tools/refpg.sh; do
            if [[ -x $cand ]]; then refpg=$cand; break; fi
        done
        if [[ -n $refpg ]]; then
            if ! REFPG_ANY_PORT=1 "$refpg" status "$port" >/dev/null 2>&1; then
                REFPG_ANY_PORT=1 "$refpg" start "$port" >&2
                cleanup_cmds+=("REFPG_ANY_PORT=1 '$refpg' stop '$port' >/dev/null")
            fi
        else
            start_own_postgres "$(echo "$prefix" | tr 'A-Z' 'a-z')"
        fi
    fi
    psql15=${PSQL:-$PGBIN/psql}
    local version
    version=$(PGCONNECT_TIMEOUT=10 "$psql15" -X -A -t -h "$host" -p "$port" -U postgres -d postgres \
        -c 'SHOW server_version_num')
    if [[ $version != 15* ]]; then
        echo "generate: the reference at $host:$port is not PostgreSQL 15 (server_version_num $version)" >&2
        exit 1
    fi
}
