#!/usr/bin/env bash
# bench/run.sh - pgjava against PostgreSQL 15 on the same machine, side by side; writes docs/benchmarks.md.
#
#   bench/run.sh [--quick] [--postgres-only] [--storage] [--storage-only] [--recovery-rows N] [--out FILE]
#
# Run by hand, never by the test suite. It starts a throwaway PostgreSQL 15 (PGBIN, default
# /usr/lib/postgresql/15/bin; as the OS user "pgref", created if missing, when run as root) and a throwaway
# pgjava (bin/pgjava initdb + start; target/pgjava must be built: `bin/pgjava build`), both with the
# superuser "postgres" holding a SCRAM-SHA-256 password, on 127.0.0.1, max_connections=100. pg_hba.conf is
# switched between "host all all 127.0.0.1/32 trust" and "... scram-sha-256" with a reload; each switch is
# verified (a password-less login must succeed / must be asked for SASL).
# To measure an already-running pgjava instead: PGJAVA_HOST (default 127.0.0.1), PGJAVA_PORT, and
# optionally PGJAVA_DATA (its data directory: needed to switch pg_hba.conf, for memory and for the restart
# metric) and PGJAVA_PASSWORD (the postgres user's password, for SCRAM).
#
# Metrics (each cell is a number or "failed: reason"; the ratio column is pgjava / PostgreSQL):
#   - connect + authenticate (trust, scram-sha-256) + SELECT 1 + disconnect: pgbench -C -n -f select1.sql
#     (tps, pgbench's average connection time), and bench/pgclient.py timing N sequential connections
#     (median, p99) - a Python client, so no process start is counted;
#   - SELECT 1 on open connections: pgbench -n -M simple|extended|prepared, -c 1 and -c 8 (-j 2);
# Both servers run at the same time and every metric is taken on PostgreSQL and then on pgjava before the
# next one, so that changing background load hits both alike.
#   - interrupts and monitoring (pgclient.py): cancel latency (CancelRequest sent -> 57014 read, a running
#     pg_sleep), SELECT * FROM pg_stat_activity latency with 50 other idle connections, and the time from a
#     backend's kill -9 to the first successful new connection + SELECT 1 (the whole crash-restart);
#   - server start to first accepted query: the start command is launched and `psql -c 'select 1'` is
#     polled until it succeeds (median of 3 restarts);
#   - memory per idle connection, first thing on the fresh servers: pgclient.py holds 50 idle connections;
#     PSS (/proc/PID/smaps_rollup) of the postmaster and all its descendants, divided by 50, and the increase
#     over the idle server / 50; and at the end, processes and PSS left after all the client work.
# Each server first gets a warm-up (8 clients, then connection churn; not reported).
# Connection and throughput metrics are repeated 3 times (PostgreSQL and pgjava alternating) and the
# median is reported.
# --storage adds the storage metrics (both servers then run with shared_buffers=16MB, max_wal_size=4GB,
# checkpoint_timeout=1h, so that the scan table is larger than shared_buffers and no checkpoint interferes):
#   - the disk's fdatasync rate (pg_test_fsync, one 8 kB write per sync), for scale;
#   - single-row INSERT commit rate, pgbench -c 1, 8, 32 (-j 2), synchronous_commit on and off, after one
#     unreported 32-client warm-up run (pgjava additionally runs with backend_idle_timeout=5min so that the
#     warmed-up backend JVMs are still there);
#   - bulk INSERT of BULK_ROWS (1 M; --quick 200 k) rows (id int8, v text) in one transaction, multi-row
#     INSERTs of 1000 rows from pgclient.py;
#   - full scan (count + sum) of that table, larger than shared_buffers, median of 5 after one warm-up;
#   - recovery: --recovery-rows N (default 0 = skipped; 10 M rows make about 1 GB of WAL on PostgreSQL)
#     rows inserted after a CHECKPOINT, then the postmaster and all its children are killed with SIGKILL and
#     the time from the start command to the first accepted query is measured (the WAL volume is reported
#     from PostgreSQL's pg_current_wal_lsn()).
# --storage-only: only the storage metrics (no connection, throughput or memory rows).
# --quick: 3 s instead of 10 s per pgbench run, 100 instead of 300 timed connections, 1 repetition, 1 restart.
# Everything started is stopped at exit (trap), temp directories removed. Raw outputs: target/bench/run.log.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
quick=0
postgres_only=0
storage=0
storage_only=0
recovery_rows=0
out=$root/docs/benchmarks.md
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) quick=1 ;;
        --postgres-only) postgres_only=1 ;;
        --storage) storage=1 ;;
        --storage-only) storage=1; storage_only=1 ;;
        --recovery-rows) recovery_rows=$2; shift ;;
        --out) out=$2; shift ;;
        -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ $quick == 1 ]]; then DUR=3; LAT_N=100; START_REPS=1; REPS=1; CANCEL_N=10; CRASH_N=1
else DUR=10; LAT_N=300; START_REPS=3; REPS=3; CANCEL_N=30; CRASH_N=3; fi
REPS=${BENCH_REPS:-$REPS}
if [[ $quick == 1 ]]; then BULK_ROWS=200000; else BULK_ROWS=1000000; fi
STORAGE_SETTINGS=(shared_buffers=16MB max_wal_size=4GB checkpoint_timeout=1h)
MEM_N=50
PASSWORD=bench-$RANDOM-$RANDOM
PG_PORT=${PG_BENCH_PORT:-55446}

mkdir -p "$root/target/bench"
LOG=$root/target/bench/run.log
: >"$LOG"
work=$(mktemp -d /tmp/pgjava-bench-XXXXXX)
chmod 755 "$work"
printf 'SELECT 1;\n' >"$work/select1.sql"
printf '\\set id random(1, 1000000000)\nINSERT INTO bench_ins VALUES (:id, '"'"'x'"'"');\n' >"$work/insert.sql"
chmod 644 "$work/select1.sql" "$work/insert.sql"
cleanup_cmds=()
hold_pid=

log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }

cleanup() {
    local c
    if [[ -n $hold_pid ]]; then kill "$hold_pid" 2>/dev/null; fi
    for ((i = ${#cleanup_cmds[@]} - 1; i >= 0; i--)); do eval "${cleanup_cmds[$i]}" >>"$LOG" 2>&1 || true; done
    rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pgref() { if [[ $(id -u) -eq 0 ]]; then runuser -u pgref -- "$@"; else "$@"; fi; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

declare -A PG JV   # results: key -> value or "failed: ..."

# ---------------------------------------------------------------- servers

tree_pids() { # ROOTPID -> the pid and the pids of all its descendants
    ps -eo pid=,ppid= | awk -v r="$1" '{par[$1]=$2} END {if (!(r in par)) exit; in_[r]=1; ch=1; while (ch) {ch=0; for (p in par) if (!(p in in_) && (par[p] in in_)) {in_[p]=1; ch=1}} for (p in in_) print p}'
}

pg_start() {
    if [[ $(id -u) -eq 0 ]] && ! id pgref >/dev/null 2>&1; then useradd -m pgref; fi
    mkdir -p "$work/pg"
    echo "$PASSWORD" >"$work/pg/pw"
    if [[ $(id -u) -eq 0 ]]; then chown -R pgref: "$work/pg"; fi
    chmod 700 "$work/pg"
    as_pgref "$PGBIN/initdb" -D "$work/pg/data" -U postgres --auth=trust --pwfile="$work/pg/pw" \
        --encoding=UTF8 --locale=C >>"$LOG" 2>&1 || return 1
    cat >>"$work/pg/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$work/pg'
max_connections = 100
CONF
    if [[ $storage == 1 ]]; then printf '%s\n' "${STORAGE_SETTINGS[@]}" >>"$work/pg/data/postgresql.conf"; fi
    cleanup_cmds+=("as_pgref '$PGBIN/pg_ctl' -D '$work/pg/data' -m fast -w -t 60 stop || as_pgref '$PGBIN/pg_ctl' -D '$work/pg/data' -m immediate -w stop")
    as_pgref "$PGBIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -t 60 start >>"$LOG" 2>&1
}
pg_hba() { # METHOD
    printf 'local all all trust\nhost all all 127.0.0.1/32 %s\n' "$1" | as_pgref tee "$work/pg/data/pg_hba.conf" >/dev/null
    as_pgref "$PGBIN/pg_ctl" -D "$work/pg/data" reload >>"$LOG" 2>&1
}
pg_stop() { as_pgref "$PGBIN/pg_ctl" -D "$work/pg/data" -m fast -w stop >>"$LOG" 2>&1; }
pg_start_nowait() { as_pgref "$PGBIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -W start >>"$LOG" 2>&1; }
pg_pid() { head -n1 "$work/pg/data/postmaster.pid" 2>/dev/null; }

JV_HOST=${PGJAVA_HOST:-127.0.0.1}
JV_PORT=${PGJAVA_PORT:-}
JV_DATA=${PGJAVA_DATA:-}
JV_PASSWORD=${PGJAVA_PASSWORD:-}
JV_OWN=0
JV_OPTS=
jv_start() {
    if [[ -n $JV_PORT ]]; then
        log "pgjava: using the running server at $JV_HOST:$JV_PORT (data: ${JV_DATA:-not given})"
        return 0
    fi
    JV_OWN=1
    JV_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    JV_DATA=$work/pgjava/data
    JV_PASSWORD=$PASSWORD
    mkdir -p "$work/pgjava"
    echo "$PASSWORD" >"$work/pgjava/pw"
    JV_OPTS="-c port=$JV_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work/pgjava -c max_connections=100"
    if [[ $storage == 1 ]]; then
        local kv; for kv in "${STORAGE_SETTINGS[@]}"; do JV_OPTS+=" -c $kv"; done
        JV_OPTS+=" -c backend_idle_timeout=5min"   # keep the warmed-up backends of the insert warm-up
    fi
    "$root/bin/pgjava" initdb -D "$JV_DATA" -U postgres --pwfile "$work/pgjava/pw" --auth trust >>"$LOG" 2>&1 \
        || { JV_FAIL="initdb failed: $(tail -n1 "$LOG")"; return 1; }
    grep -v '^[[:space:]]*#' "$JV_DATA/postgresql.conf" 2>/dev/null | sed 's/[[:space:]]*#.*//' | grep -v '^[[:space:]]*$' \
        | tr '\n' ';' | cut -c1-600 >"$work/pgjava/settings.txt"
    cleanup_cmds+=("jv_stop")
    "$root/bin/pgjava" start -D "$JV_DATA" -l "$work/pgjava/log" -o "$JV_OPTS" >>"$LOG" 2>&1 \
        || { JV_FAIL="start failed: $(tail -n1 "$work/pgjava/log" 2>/dev/null || tail -n1 "$LOG")"; return 1; }
}
jv_hba() { # METHOD
    [[ -n $JV_DATA ]] || return 1
    printf 'local all all trust\nhost all all 127.0.0.1/32 %s\n' "$1" >"$JV_DATA/pg_hba.conf"
    "$root/bin/pgjava" reload -D "$JV_DATA" >>"$LOG" 2>&1
}
# jv_stop: bin/pgjava stop -m fast; if the postmaster is still alive after that (or after 90 s), the whole
# process tree is killed with SIGKILL and the stop counts as failed (status 1). Never leaves it running.
jv_stop() {
    local pm tree
    pm=$(head -n1 "$JV_DATA/postmaster.pid" 2>/dev/null)
    [[ -n $pm ]] && tree=$(tree_pids "$pm")
    if timeout 90 "$root/bin/pgjava" stop -D "$JV_DATA" -m fast >>"$LOG" 2>&1 && { [[ -z $pm ]] || ! kill -0 "$pm" 2>/dev/null; }; then
        return 0
    fi
    if [[ -n $tree ]]; then
        log "pgjava: stop -m fast did not stop postmaster $pm; killing its $(wc -w <<<"$tree") processes"
        kill -9 $tree 2>/dev/null
        sleep 1
    fi
    return 1
}
jv_start_bg() { "$root/bin/pgjava" start -D "$JV_DATA" -l "$work/pgjava/log" -o "$JV_OPTS" >>"$LOG" 2>&1; }
jv_pid() {
    if [[ -n $JV_DATA && -f $JV_DATA/postmaster.pid ]]; then head -n1 "$JV_DATA/postmaster.pid"; return; fi
    ss -ltnpH "sport = :$JV_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2
}

# ---------------------------------------------------------------- measurements

# check_auth HOST PORT METHOD: verifies that a password-less login behaves as METHOD says
check_auth() {
    local msg
    msg=$(env -u PGPASSWORD timeout 30 python3 "$bench/pgclient.py" latency --host "$1" --port "$2" -n 1 --warmup 0 2>&1)
    local rc=$?
    case $3 in
        trust) [[ $rc == 0 ]] || { echo "password-less login failed under trust: $msg"; return 1; } ;;
        scram-sha-256) [[ $msg == *"auth code 10"* ]] || { echo "server did not ask for SASL: ${msg:-login succeeded}"; return 1; } ;;
    esac
}

# pgbench_run RESULT_PREFIX HOST PORT PASSWORD ARGS... -> sets R[tps], R[lat], R[conn] or R[err]
declare -A R
pgbench_run() {
    local host=$1 port=$2 pw=$3; shift 3
    R=()
    local outp
    outp=$(PGPASSWORD=$pw PGSSLMODE=disable PGCONNECT_TIMEOUT=20 timeout $((DUR + 90)) \
        "$PGBIN/pgbench" -h "$host" -p "$port" -U postgres -n -T "$DUR" -f "${PGB_SCRIPT:-$work/select1.sql}" "$@" postgres 2>&1)
    local rc=$?
    { echo "--- pgbench $* against $host:$port (exit $rc)"; echo "$outp"; } >>"$LOG"
    local failed
    failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$outp")
    if [[ $rc != 0 ]] || ! grep -q '^tps = ' <<<"$outp" || [[ ${failed:-0} != 0 ]]; then
        local why
        why=$(grep -m1 -i 'error\|fatal\|abort' <<<"$outp" | cut -c1-120)
        if [[ -z $why ]]; then
            why=$(grep -m1 '^number of transactions actually processed' <<<"$outp")
            [[ -n $why ]] && why="$why in $DUR s"
        fi
        R[err]="failed: pgbench exit $rc: ${why:-no tps reported}"
        return 1
    fi
    R[tps]=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$outp" | head -n1 | awk '{printf "%.1f", $1}')
    R[lat]=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' <<<"$outp")
    R[conn]=$(sed -n 's/^average connection time = \([0-9.]*\) ms.*/\1/p' <<<"$outp")
}

# Repeated metrics collect one value per repetition (separated by US, \x1f); the report shows the median,
# or the first failure if any repetition failed.
add_result() { # ARRAYNAME KEY VALUE
    local -n a=$1
    if [[ -n ${a[$2]:-} ]]; then a[$2]+=$'\x1f'"$3"; else a[$2]=$3; fi
}
finalize() { # VALUES (US-separated) -> median, or the first "failed: ...", or the single value as is
    local v x
    [[ -n $1 ]] || return 0
    IFS=$'\x1f' read -r -a v <<<"$1"
    for x in "${v[@]}"; do [[ $x == failed:* ]] && { printf '%s' "$x"; return; }; done
    if [[ ${#v[@]} == 1 ]]; then printf '%s' "${v[0]}"; return; fi
    printf '%s\n' "${v[@]}" | sort -g \
        | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}' \
        | sed 's/\(\.[0-9]*[1-9]\)0*$/\1/; s/\.0*$//' | tr -d '\n'
}

# connection_metrics ARRAYNAME HOST PORT PASSWORD METHOD: conn_<m>_tps, conn_<m>_avg, lat_<m>_median, lat_<m>_p99
connection_metrics() {
    local -n res=$1
    local host=$2 port=$3 pw=$4 m=$5
    if pgbench_run "$host" "$port" "$pw" -C -c 1 -j 1; then
        add_result "$1" "conn_${m}_tps" "${R[tps]}"
        add_result "$1" "conn_${m}_avg" "${R[conn]:-failed: pgbench printed no connection time}"
    else
        add_result "$1" "conn_${m}_tps" "${R[err]}"
        add_result "$1" "conn_${m}_avg" "${R[err]}"
    fi
    local js
    js=$(PGPASSWORD=$pw timeout 600 python3 "$bench/pgclient.py" latency --host "$host" --port "$port" -n "$LAT_N" 2>&1)
    echo "--- pgclient latency $m $host:$port: $js" >>"$LOG"
    if [[ $js == "{"* ]]; then
        add_result "$1" "lat_${m}_median" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["median_ms"])' "$js")"
        add_result "$1" "lat_${m}_p99" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["p99_ms"])' "$js")"
    else
        add_result "$1" "lat_${m}_median" "failed: ${js:0:120}"
        add_result "$1" "lat_${m}_p99" "failed: ${js:0:120}"
    fi
}

throughput_metrics() { # ARRAYNAME HOST PORT PASSWORD
    local -n res=$1
    local mode c
    for mode in simple extended prepared; do
        for c in 1 8; do
            if pgbench_run "$2" "$3" "$4" -M "$mode" -c "$c" -j $((c > 1 ? 2 : 1)); then
                add_result "$1" "sel_${mode}_$c" "${R[tps]}"
            else
                add_result "$1" "sel_${mode}_$c" "${R[err]}"
            fi
        done
    done
}

tree_pss_kib() { # ROOTPID -> "kib nprocs"
    local pids p total=0 n=0 v
    pids=$(tree_pids "$1")
    for p in $pids; do
        v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
        if [[ -n $v ]]; then total=$((total + v)); n=$((n + 1)); fi
    done
    echo "$total $n"
}

memory_metrics() { # ARRAYNAME HOST PORT PASSWORD PID
    local -n res=$1
    local host=$2 port=$3 pw=$4 pid=$5
    if [[ -z $pid ]] || [[ ! -d /proc/$pid ]]; then
        res[mem_idle]="failed: server pid unknown"; res[mem_total]=${res[mem_idle]}; res[mem_incr]=${res[mem_idle]}
        return
    fi
    local base with fifo=$work/hold.in.$port
    sleep 2
    base=$(tree_pss_kib "$pid")
    rm -f "$fifo"; mkfifo "$fifo"
    PGPASSWORD=$pw python3 "$bench/pgclient.py" hold --host "$host" --port "$port" -n "$MEM_N" \
        <"$fifo" >"$work/hold.out" 2>&1 &
    hold_pid=$!
    exec 7>"$fifo"
    local waited=0
    while ! grep -q ready "$work/hold.out" 2>/dev/null && kill -0 "$hold_pid" 2>/dev/null && ((waited < 1200)); do
        sleep 0.1; waited=$((waited + 1))
    done
    if grep -q ready "$work/hold.out"; then
        sleep 3
        with=$(tree_pss_kib "$pid")
        echo "--- memory $host:$port: idle server ${base} (KiB procs), with $MEM_N connections ${with}" >>"$LOG"
        res[mem_idle]=$(awk -v k="${base% *}" 'BEGIN {printf "%.1f", k / 1024}')
        res[mem_total]=$(awk -v k="${with% *}" -v n="$MEM_N" 'BEGIN {printf "%.2f", k / 1024 / n}')
        res[mem_incr]=$(awk -v k="${with% *}" -v b="${base% *}" -v n="$MEM_N" 'BEGIN {printf "%.2f", (k - b) / 1024 / n}')
        res[mem_procs]="${base#* } → ${with#* }"
    else
        local why
        why=$(tr '\n' ' ' <"$work/hold.out" | cut -c1-120)
        res[mem_idle]="failed: could not open $MEM_N connections: ${why:-timeout}"
        res[mem_total]=${res[mem_idle]}; res[mem_incr]=${res[mem_idle]}; res[mem_procs]=${res[mem_idle]}
    fi
    exec 7>&-
    wait "$hold_pid" 2>/dev/null
    hold_pid=
    rm -f "$fifo"
}

# start_metric ARRAYNAME HOST PORT STOPFN STARTFN: median ms from launching STARTFN to a successful query
start_metric() {
    local -n res=$1
    local host=$2 port=$3 stopfn=$4 startfn=$5
    local times=() i t0 t1 ok bgpid
    for ((i = 0; i < START_REPS; i++)); do
        if ! $stopfn; then
            # the server was killed (see jv_stop); a start after a crash is still a start: measure it
            log "$name: the stop before start measurement $((i + 1)) failed; the server was killed instead"
        fi
        sleep 1
        t0=$(now_ms)
        $startfn &
        bgpid=$!
        ok=0
        while (( $(now_ms) - t0 < 120000 )); do
            if PGCONNECT_TIMEOUT=2 PGSSLMODE=disable "$PGBIN/psql" -X -q -A -t -h "$host" -p "$port" -U postgres \
                -d postgres -c 'select 1' >/dev/null 2>&1; then ok=1; break; fi
            sleep 0.01
        done
        t1=$(now_ms)
        wait "$bgpid"
        [[ $ok == 1 ]] || { res[start_ms]="failed: no query accepted within 120 s"; return; }
        times+=($((t1 - t0)))
    done
    res[start_ms]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
    echo "--- start times $host:$port: ${times[*]} ms" >>"$LOG"
}

# The phases below take the same arguments, a "side":
#   ARRAYNAME HOST PORT PASSWORD HBAFN PIDFN STOPFN STARTFN   (STOPFN/STARTFN "-" when the server is not ours)
# and are run phase by phase, PostgreSQL then pgjava, so that both see the same machine load.

# Warm-up before any measurement, results discarded: 8 concurrent clients for a few seconds and a few
# seconds of connection churn, so that both servers start measured from a warm state (for pgjava: the
# standby pool filled and the backends' code compiled; for PostgreSQL: caches).
phase_warmup() {
    log "$1: warm-up"
    pgbench_run "$2" "$3" "$4" -c 8 -j 2 >/dev/null || log "$1: warm-up run failed: ${R[err]:-}"
    pgbench_run "$2" "$3" "$4" -C -c 1 -j 1 >/dev/null || log "$1: warm-up churn failed: ${R[err]:-}"
}

phase_trust() {
    local name=$1 host=$2 port=$3 pw=$4 hbafn=$5
    local -n arr=$name
    local why=
    log "$name: connections with trust"
    if ! $hbafn trust; then
        why="cannot switch pg_hba.conf to trust"
    else
        why=$(check_auth "$host" "$port" trust) && why=
    fi
    if [[ -z $why ]]; then
        connection_metrics "$name" "$host" "$port" "$pw" trust
    else
        for k in conn_trust_tps conn_trust_avg lat_trust_median lat_trust_p99; do add_result "$name" $k "failed: $why"; done
    fi
}

phase_scram() {
    local name=$1 host=$2 port=$3 pw=$4 hbafn=$5
    local -n arr=$name
    local why=
    log "$name: connections with scram-sha-256"
    if [[ -z $pw ]]; then
        why="no password for postgres given"
    elif ! $hbafn scram-sha-256; then
        why="cannot switch pg_hba.conf to scram-sha-256"
    else
        why=$(check_auth "$host" "$port" scram-sha-256) && why=
    fi
    if [[ -z $why ]]; then
        connection_metrics "$name" "$host" "$port" "$pw" scram
    else
        for k in conn_scram_tps conn_scram_avg lat_scram_median lat_scram_p99; do add_result "$name" $k "failed: $why"; done
    fi
    $hbafn trust
}

phase_throughput() {
    log "$1: SELECT 1 throughput"
    throughput_metrics "$1" "$2" "$3" "$4"
}

phase_memory() {
    log "$1: memory per idle connection"
    memory_metrics "$1" "$2" "$3" "$4" "$($6)"
}

phase_start() {
    local name=$1
    local -n arr=$name
    log "$name: start to first query"
    if [[ $7 != - ]]; then
        start_metric "$name" "$2" "$3" "$7" "$8"
    else
        arr[start_ms]="failed: not measured (server given by PGJAVA_PORT without PGJAVA_DATA)"
    fi
}

# json_field JSON FIELD -> the value, or nothing when JSON is not an object
json_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2" 2>/dev/null; }

# pgclient_metric ARRAYNAME KEY HOST PORT PASSWORD ARGS...: KEY_median / KEY_p99 from a pgclient.py command
pgclient_metric() {
    local -n res=$1
    local key=$2 host=$3 port=$4 pw=$5 js
    shift 5
    js=$(PGPASSWORD=$pw timeout 900 python3 "$bench/pgclient.py" "$@" --host "$host" --port "$port" 2>&1)
    echo "--- pgclient $* $host:$port: $js" >>"$LOG"
    if [[ $js == "{"* ]]; then
        res[${key}_median]=$(json_field "$js" median_ms)
        res[${key}_p99]=$(json_field "$js" p99_ms)
    else
        res[${key}_median]="failed: ${js:0:120}"; res[${key}_p99]=${res[${key}_median]}
    fi
}

phase_interrupts() {
    log "$1: cancel latency, pg_stat_activity latency"
    pgclient_metric "$1" cancel "$2" "$3" "$4" cancel -n "$CANCEL_N"
    pgclient_metric "$1" activity "$2" "$3" "$4" activity --hold "$MEM_N" -n 100 --warmup 10
}

# kill -9 of a backend -> first accepted connection; last, because it restarts the whole server
phase_crash() {
    log "$1: kill -9 of a backend to the first accepted connection"
    pgclient_metric "$1" crash "$2" "$3" "$4" crash -n "$CRASH_N"
}

# ---------------------------------------------------------------- storage phases

# psql_do HOST PORT PASSWORD SQL -> runs one statement, its output on stdout; status of psql
psql_do() {
    PGPASSWORD=$3 PGSSLMODE=disable PGCONNECT_TIMEOUT=20 timeout 3600 "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
        -h "$1" -p "$2" -U postgres -d postgres -c "$4" 2>&1
}

# the disk's fdatasync rate: one 8 kB write per fdatasync (pg_test_fsync's "open_datasync ... fdatasync" line)
FSYNC_RATE=
phase_fsync() {
    local outp
    outp=$(timeout 120 "$PGBIN/pg_test_fsync" -s 2 -f "$work/fsync.test" 2>&1)
    echo "--- pg_test_fsync: $outp" >>"$LOG"
    FSYNC_RATE=$(awk '/one 8kB write/ {f=1} f && $1 == "fdatasync" {print $2; exit}' <<<"$outp")
    rm -f "$work/fsync.test"
}

phase_storage_setup() {
    local why
    log "$1: storage tables"
    why=$(psql_do "$2" "$3" "$4" "CREATE TABLE bench_ins (id int8, v text)") || STORAGE_FAIL[$1]="CREATE TABLE failed: ${why:0:120}"
    why=$(psql_do "$2" "$3" "$4" "CREATE TABLE bench_bulk (id int8, v text)") || STORAGE_FAIL[$1]="CREATE TABLE failed: ${why:0:120}"
}

# storage_guard ARRAYNAME KEYS...: when the side's storage setup failed, every key records that
storage_guard() {
    local name=$1 k; shift
    [[ -z ${STORAGE_FAIL[$name]:-} ]] && return 0
    for k in "$@"; do add_result "$name" "$k" "failed: ${STORAGE_FAIL[$name]}"; done
    return 1
}

phase_inserts() {
    local c
    log "$1: single-row INSERT commit rate"
    storage_guard "$1" ins_1 ins_8 ins_32 insa_1 insa_8 insa_32 || return
    # warm-up, not reported: 32 sessions once, so both servers measure warm processes (pgjava starts a
    # JVM per new connection beyond its pool; the bench keeps them with backend_idle_timeout=5min)
    PGB_SCRIPT=$work/insert.sql pgbench_run "$2" "$3" "$4" -c 32 -j 2 >/dev/null || log "$1: insert warm-up failed: ${R[err]:-}"
    for c in 1 8 32; do
        if PGB_SCRIPT=$work/insert.sql pgbench_run "$2" "$3" "$4" -c "$c" -j $((c > 1 ? 2 : 1)); then
            add_result "$1" "ins_$c" "${R[tps]}"
        else
            add_result "$1" "ins_$c" "${R[err]}"
        fi
        if PGOPTIONS='-c synchronous_commit=off' PGB_SCRIPT=$work/insert.sql pgbench_run "$2" "$3" "$4" -c "$c" -j $((c > 1 ? 2 : 1)); then
            add_result "$1" "insa_$c" "${R[tps]}"
        else
            add_result "$1" "insa_$c" "${R[err]}"
        fi
    done
}

phase_bulk_scan() {
    local -n res=$1
    local js
    log "$1: bulk INSERT of $BULK_ROWS rows, full scan"
    storage_guard "$1" bulk_rps bulk_s scan_median || return
    js=$(PGPASSWORD=$4 timeout 3600 python3 "$bench/pgclient.py" bulk --host "$2" --port "$3" --table bench_bulk \
        --rows "$BULK_ROWS" --batch 1000 2>&1)
    echo "--- bulk $2:$3: $js" >>"$LOG"
    if [[ $js == "{"* ]]; then
        res[bulk_rps]=$(json_field "$js" rows_per_second); res[bulk_s]=$(json_field "$js" seconds)
    else
        res[bulk_rps]="failed: ${js:0:120}"; res[bulk_s]=${res[bulk_rps]}
    fi
    pgclient_metric "$1" scan "$2" "$3" "$4" scan --sql "SELECT count(*), sum(id) FROM bench_bulk" -n 5
}

# recovery: rows after a CHECKPOINT, then a power cut (SIGKILL to the whole tree), start, first query
phase_recovery() {
    local -n res=$1
    local host=$2 port=$3 pw=$4 pidfn=$6 startfn=$8 before after js pm tree t0 ok bgpid
    ((recovery_rows > 0)) || return 0
    log "$1: recovery after $recovery_rows rows of WAL"
    storage_guard "$1" rec_ms rec_wal_mb || return
    if [[ $startfn == - ]]; then res[rec_ms]="failed: not measured (server not started by the bench)"; return; fi
    psql_do "$host" "$port" "$pw" "CREATE TABLE bench_rec (id int8, v text)" >/dev/null
    psql_do "$host" "$port" "$pw" "CHECKPOINT" >/dev/null
    before=$(psql_do "$host" "$port" "$pw" "SELECT pg_current_wal_lsn() - '0/0'" 2>/dev/null)
    js=$(PGPASSWORD=$pw timeout 7200 python3 "$bench/pgclient.py" bulk --host "$host" --port "$port" \
        --table bench_rec --rows "$recovery_rows" --batch 1000 2>&1)
    echo "--- recovery load $host:$port: $js" >>"$LOG"
    after=$(psql_do "$host" "$port" "$pw" "SELECT pg_current_wal_lsn() - '0/0'" 2>/dev/null)
    if [[ $before =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]]; then
        res[rec_wal_mb]=$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.0f", (a - b) / 1048576}')
    else
        res[rec_wal_mb]="failed: pg_current_wal_lsn() not available"
    fi
    pm=$($pidfn)
    tree=$(tree_pids "$pm")
    kill -9 $tree 2>/dev/null
    local waited=0 p
    for p in $tree; do   # a killed process is gone only once reaped: a restart before that finds its pid alive
        while kill -0 "$p" 2>/dev/null && ((waited < 300)); do sleep 0.1; waited=$((waited + 1)); done
    done
    t0=$(now_ms)
    $startfn &
    bgpid=$!
    ok=0
    while (( $(now_ms) - t0 < 1800000 )); do
        if PGCONNECT_TIMEOUT=2 PGSSLMODE=disable PGPASSWORD=$pw "$PGBIN/psql" -X -q -A -t -h "$host" -p "$port" \
            -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then ok=1; break; fi
        sleep 0.05
        # the start command has returned and the server still refuses after a minute: it did not start
        if ! kill -0 "$bgpid" 2>/dev/null && (( $(now_ms) - t0 > 60000 )) && ! kill -0 "$($pidfn)" 2>/dev/null; then break; fi
    done
    res[rec_ms]=$(( $(now_ms) - t0 ))
    wait "$bgpid"
    [[ $ok == 1 ]] || res[rec_ms]="failed: no query accepted within 30 min of the restart"
}

# after all client work: how many server processes are left and their PSS (pgjava's pool after reuse)
phase_after() {
    local -n arr=$1
    local pid t
    pid=$($6)
    if [[ -n $pid ]] && [[ -d /proc/$pid ]]; then
        sleep 2
        t=$(tree_pss_kib "$pid")
        arr[after_procs]=${t#* }
        arr[after_pss]=$(awk -v k="${t% *}" 'BEGIN {printf "%.1f", k / 1024}')
    else
        arr[after_procs]="failed: server pid unknown"; arr[after_pss]=${arr[after_procs]}
    fi
}

# hba function for a running pgjava whose data directory we do not know: leave it as it is
jv_hba_unknown() { [[ $1 == trust ]]; }

# ---------------------------------------------------------------- run

log "PostgreSQL 15 on 127.0.0.1:$PG_PORT"
if ! pg_start; then
    log "PostgreSQL failed to start; see $LOG"
    exit 1
fi
sides=("PG 127.0.0.1 $PG_PORT $PASSWORD pg_hba pg_pid pg_stop pg_start_nowait")

JV_FAIL=
if [[ $postgres_only == 1 ]]; then
    JV_FAIL="not run (--postgres-only)"
elif jv_start; then
    log "pgjava on $JV_HOST:$JV_PORT"
    if [[ $JV_OWN == 1 ]]; then
        sides+=("JV $JV_HOST $JV_PORT ${JV_PASSWORD:-''} jv_hba jv_pid jv_stop jv_start_bg")
    elif [[ -n $JV_DATA ]]; then
        sides+=("JV $JV_HOST $JV_PORT ${JV_PASSWORD:-''} jv_hba jv_pid - -")
    else
        sides+=("JV $JV_HOST $JV_PORT ${JV_PASSWORD:-''} jv_hba_unknown jv_pid - -")
    fi
else
    log "pgjava: $JV_FAIL"
fi

declare -A STORAGE_FAIL
if [[ $storage_only == 1 ]]; then REPS=0; fi
if [[ $storage_only == 0 ]]; then
    for side in "${sides[@]}"; do
        eval "phase_memory $side"
    done
fi
for side in "${sides[@]}"; do
    eval "phase_warmup $side"
done
for ((rep = 1; rep <= REPS; rep++)); do
    log "repetition $rep of $REPS"
    for phase in phase_trust phase_scram phase_throughput; do
        for side in "${sides[@]}"; do
            eval "$phase $side"
        done
    done
done
if [[ $storage == 1 ]]; then
    phase_fsync
    for phase in phase_storage_setup phase_inserts phase_bulk_scan phase_recovery; do
        for side in "${sides[@]}"; do
            eval "$phase $side"
        done
    done
fi
if [[ $storage_only == 0 ]]; then
    for side in "${sides[@]}"; do
        eval "phase_interrupts $side"
    done
    for side in "${sides[@]}"; do
        eval "phase_after $side"
        eval "phase_crash $side"
        eval "phase_start $side"
    done
fi
pg_stop

# ---------------------------------------------------------------- report

rows=(
    "conn_trust_tps|connect + trust + \`SELECT 1\` + disconnect, pgbench -C, 1 client (tps)|higher"
    "conn_trust_avg|… pgbench average connection time (ms)|lower"
    "lat_trust_median|… median of $LAT_N sequential connections, pgclient.py (ms)|lower"
    "lat_trust_p99|… p99 of the same (ms)|lower"
    "conn_scram_tps|connect + scram-sha-256 + \`SELECT 1\` + disconnect, pgbench -C, 1 client (tps)|higher"
    "conn_scram_avg|… pgbench average connection time (ms)|lower"
    "lat_scram_median|… median of $LAT_N sequential connections, pgclient.py (ms)|lower"
    "lat_scram_p99|… p99 of the same (ms)|lower"
    "sel_simple_1|\`SELECT 1\`, open connection, -M simple, 1 client (tps)|higher"
    "sel_simple_8|\`SELECT 1\`, -M simple, 8 clients (tps)|higher"
    "sel_extended_1|\`SELECT 1\`, -M extended, 1 client (tps)|higher"
    "sel_extended_8|\`SELECT 1\`, -M extended, 8 clients (tps)|higher"
    "sel_prepared_1|\`SELECT 1\`, -M prepared, 1 client (tps)|higher"
    "sel_prepared_8|\`SELECT 1\`, -M prepared, 8 clients (tps)|higher"
    "cancel_median|cancel latency: CancelRequest sent → 57014 read, running pg_sleep, median of $CANCEL_N (ms)|lower"
    "cancel_p99|… p99 of the same (ms)|lower"
    "activity_median|\`SELECT * FROM pg_stat_activity\` with $MEM_N other idle connections, median of 100 (ms)|lower"
    "activity_p99|… p99 of the same (ms)|lower"
    "crash_median|kill -9 of a backend → first accepted connection + \`SELECT 1\`, median of $CRASH_N (ms)|lower"
    "ins_1|single-row INSERT, synchronous_commit on, 1 client (commits/s)|higher"
    "ins_8|… 8 clients (commits/s)|higher"
    "ins_32|… 32 clients (commits/s)|higher"
    "insa_1|single-row INSERT, synchronous_commit off, 1 client (commits/s)|higher"
    "insa_8|… 8 clients (commits/s)|higher"
    "insa_32|… 32 clients (commits/s)|higher"
    "bulk_rps|bulk INSERT of $BULK_ROWS rows in one transaction, 1000-row INSERTs (rows/s)|higher"
    "bulk_s|… total time (s)|lower"
    "scan_median|full scan (count, sum) of that table (1 M rows: ~50 MB, more than shared_buffers; --quick's 200 k fit), median of 5 (ms)|lower"
    "rec_wal_mb|WAL written by the recovery load (MB)|"
    "rec_ms|power cut (SIGKILL to every server process) after that load → first accepted query (ms)|lower"
    "start_ms|server start to first accepted query, median of $START_REPS (ms)|lower"
    "mem_idle|PSS of all server processes, no client connected (MiB)|lower"
    "mem_total|PSS of all server processes with $MEM_N idle connections ÷ $MEM_N (MiB)|lower"
    "mem_incr|(PSS with $MEM_N idle connections − PSS without) ÷ $MEM_N (MiB)|lower"
    "mem_procs|server processes without → with $MEM_N connections|"
    "after_procs|server processes after all client work, no client connected|"
    "after_pss|PSS of all server processes after all client work, no client connected (MiB)|lower"
)

cell() { # ARRAYNAME KEY
    local -n a=$1
    local v
    v=$(finalize "${a[$2]:-}")
    if [[ -z $v ]]; then
        if [[ $1 == JV && -n $JV_FAIL ]]; then v="failed: $JV_FAIL"; else v="failed: not measured"; fi
    fi
    printf '%s' "$v"
}
isnum() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }

jdk=$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
memtotal=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null)$(git -C "$root" diff --quiet 2>/dev/null || echo "+dirty")
mkdir -p "$(dirname "$out")"
{
    echo "# Benchmarks: pgjava against PostgreSQL 15"
    echo
    echo "Written by \`bench/run.sh$([[ $quick == 1 ]] && echo ' --quick')\` on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit by hand,"
    echo "run the script again. Both servers run at the same time on the same machine and get the same client"
    echo "work, metric by metric (PostgreSQL, then pgjava); the ratio is pgjava ÷ PostgreSQL (for tps higher is better, for times and memory lower is better)."
    echo
    echo "| metric | PostgreSQL 15 | pgjava | ratio | better |"
    echo "|---|---:|---:|---:|---|"
    for row in "${rows[@]}"; do
        IFS='|' read -r key label better <<<"$row"
        [[ -z ${PG[$key]:-} && -z ${JV[$key]:-} ]] && continue   # a metric this run did not take
        p=$(cell PG "$key"); j=$(cell JV "$key")
        ratio=
        if isnum "$p" && isnum "$j" && [[ $(awk -v p="$p" 'BEGIN {print (p > 0)}') == 1 ]]; then
            ratio=$(awk -v p="$p" -v j="$j" 'BEGIN {printf "%.2f×", j / p}')
        fi
        echo "| $label | ${p//|/\\|} | ${j//|/\\|} | $ratio | $better |"
    done
    echo
    echo "## Reading the numbers"
    echo
    echo "- Connection setup: the postmaster authenticates in its own event loop and hands the socket to a"
    echo "  pre-started, already-warm backend JVM (\`standby_backends\`), or to a backend its previous client left"
    echo "  (\`backend_reuse\`), so a new connection costs no process start: that is what lets pgjava meet or beat"
    echo "  PostgreSQL's fork-per-connection. A burst larger than the pool waits for JVM starts (about 0.4-1 s each"
    echo "  with the AOT cache the postmaster builds in target/pgjava/backend.aot, 1-2.7 s without)."
    echo "- Memory per connection is a JVM's (SerialGC, small heap and code cache, AOT cache): tens of MiB of PSS"
    echo "  against PostgreSQL's ~1 MiB. This is the price of a process per connection in Java."
    echo "- \`SELECT 1\` on open connections and server start time are where pgjava is behind; see the issues."
    echo "- Throughput rows vary by up to ±40% between runs on this shared 2-core machine; memory rows are stable."
    echo
    echo "## Machine and setup"
    echo
    echo "- CPU: $cpu, $(nproc) cores (nproc); memory $memtotal; kernel $(uname -r)"
    if [[ $storage == 1 ]]; then
        echo "- Disk: ${FSYNC_RATE:-unknown} fdatasync/s of one 8 kB write (pg_test_fsync); the storage rows ran with $(IFS=', '; echo "${STORAGE_SETTINGS[*]}") on both servers"
    fi
    echo "- JDK: $jdk (JAVA_HOME=$JAVA_HOME)"
    echo "- PostgreSQL: $("$PGBIN/postgres" --version), default configuration plus listen_addresses=127.0.0.1, max_connections=100"
    if [[ -n $JV_FAIL ]]; then
        echo "- pgjava: commit $commit; not measured: $JV_FAIL"
    elif [[ $JV_OWN == 1 ]]; then
        echo "- pgjava: commit $commit, started with \`bin/pgjava start -o \"$JV_OPTS\"\`${PGJAVA_POSTMASTER_JAVA_OPTS:+, PGJAVA_POSTMASTER_JAVA_OPTS=$PGJAVA_POSTMASTER_JAVA_OPTS}"
        if [[ -f $work/pgjava/settings.txt ]]; then
            echo "  (settings in its postgresql.conf: $(cat "$work/pgjava/settings.txt"))"
        fi
    elif [[ -n ${PGJAVA_PORT:-} ]]; then
        echo "- pgjava: commit $commit; the server already running at $JV_HOST:$JV_PORT (PGJAVA_PORT)"
    else
        echo "- pgjava: commit $commit; not measured: $JV_FAIL"
    fi
    echo "- Clients: pgbench $("$PGBIN/pgbench" --version | awk '{print $3}') over TCP 127.0.0.1, sslmode disable, $DUR s per run, -j 2 for 8 clients;"
    echo "  bench/pgclient.py (Python $(python3 -c 'import platform; print(platform.python_version())'), raw protocol v3 client) for latency percentiles and for holding idle connections."
    echo "- Authentication: the superuser postgres with a SCRAM-SHA-256 verifier (initdb --pwfile); pg_hba.conf"
    echo "  \`host all all 127.0.0.1/32 trust\` or \`… scram-sha-256\`, switched by reload and verified before measuring."
    echo "- Memory: PSS summed from /proc/PID/smaps_rollup over the postmaster and all its descendants, on the"
    echo "  freshly started servers before any other client work; the last two rows repeat it after all of it."
    echo "- Raw pgbench output of the last run: target/bench/run.log (not committed)."
} >"$out"
log "wrote ${out#$root/}"
cat "$out"
