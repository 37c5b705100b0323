#!/usr/bin/env bash
# generate.sh - (re)write src/test/isolation/expected/*.out from the reference PostgreSQL 15.
#
#   scripts/isolation/generate.sh [NAME...]      all specs in src/test/isolation/specs, or only the stems given
#
# The expected transcripts are what the isolation runner (src/test/java/org/pgjava/tests/isolation:
# IsolationSpec, IsolationRunner, IsolationMain) prints when it runs each spec against PostgreSQL 15. They
# are never edited by hand and never generated from pgjava. IsolationSpecTest runs the same runner against
# pgjava and compares byte for byte.
#
# The runner is started with the JDK's source launcher (JDK 22+: the other classes of its package are
# compiled from the source tree on demand), so no Maven build is needed; its only dependency is pgjdbc,
# taken from the local Maven repository (the version in the root pom.xml) or $PGJDBC_JAR.
#
# Which PostgreSQL (as scripts/golden/generate.sh):
#   1. ISOLATION_REF_HOST/ISOLATION_REF_PORT set: that running server (must be PostgreSQL 15).
#   2. else refpg.sh from ../shared/tools beside the checkout (or /work/shared/tools), on port
#      ISOLATION_REF_PORT_NUM (default 55447); stopped again at exit unless it was already running.
#   3. else (or with ISOLATION_USE_REFPG=0) /usr/lib/postgresql/15/bin (PGBIN) started by this script in a
#      temp dir, as the OS user "pgref" (created with useradd if missing) when run as root.
# Java: $JAVA_HOME/bin/java, else /usr/lib/jvm/temurin-25-jdk-amd64, else java on PATH (must be >= 22).
#
# Every spec is run twice and the two transcripts must be equal (a spec whose output depends on timing
# is refused); ISOLATION_RUNS=n changes the count.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
iso=$root/src/test/isolation
cleanup_cmds=()
cleanup() {
    local c
    for c in "${cleanup_cmds[@]}"; do eval "$c" || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
runs=${ISOLATION_RUNS:-2}
# shellcheck source=../lib/reference-postgres.sh
. "$root/scripts/lib/reference-postgres.sh"
reference_postgres ISOLATION 55447

if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    java=$JAVA_HOME/bin/java
elif [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
else
    java=java
fi
if [[ -z ${PGJDBC_JAR:-} ]]; then
    v=$(sed -n 's:.*<pgjdbc.version>\(.*\)</pgjdbc.version>.*:\1:p' "$root/pom.xml" | head -n1)
    PGJDBC_JAR=${MAVEN_REPO:-$HOME/.m2/repository}/org/postgresql/postgresql/$v/postgresql-$v.jar
fi
[[ -f $PGJDBC_JAR ]] || { echo "generate: pgjdbc jar not found: $PGJDBC_JAR (set PGJDBC_JAR)" >&2; exit 1; }

if [[ $# -gt 0 ]]; then
    names=("$@")
else
    names=()
    for f in "$iso"/specs/*.spec; do n=${f##*/}; names+=("${n%.spec}"); done
fi

tmp=$(mktemp -d /tmp/isolation-gen-XXXXXX)
cleanup_cmds+=("rm -rf -- '$tmp'")
main=$root/src/test/java/org/pgjava/tests/isolation/IsolationMain.java
for ((i = 1; i <= runs; i++)); do
    mkdir -p "$tmp/$i"
    "$java" -cp "$PGJDBC_JAR" "$main" "$host:$port" "$iso/specs" "$tmp/$i" "${names[@]}" 2>&1 \
        | sed 's/^/  /' >&2
    [[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "generate: the runner failed; nothing written" >&2; exit 1; }
done
for name in "${names[@]}"; do
    for ((i = 2; i <= runs; i++)); do
        if ! cmp -s "$tmp/1/$name.out" "$tmp/$i/$name.out"; then
            echo "generate: $name gave different transcripts on PostgreSQL 15 in runs 1 and $i (timing-dependent spec?); not written:" >&2
            diff -u "$tmp/1/$name.out" "$tmp/$i/$name.out" >&2 || true
            exit 1
        fi
    done
    if grep -q -e '^FAILED: ' -e '^RUNNER ERROR' -e '^CLIENT ERROR' -e 'failed:$' "$tmp/1/$name.out"; then
        echo "generate: $name: the run against PostgreSQL 15 failed; not written:" >&2
        grep -e '^FAILED: ' -e '^RUNNER ERROR' -e '^CLIENT ERROR' -e 'failed:$' -A2 "$tmp/1/$name.out" >&2
        exit 1
    fi
    cp "$tmp/1/$name.out" "$iso/expected/$name.out"
    echo "generate: $name -> src/test/isolation/expected/$name.out ($(grep -c '' "$iso/expected/$name.out") lines)"
done
