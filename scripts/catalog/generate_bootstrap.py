#!/usr/bin/env python3
"""Generates pgjava's bootstrap catalog data from a running PostgreSQL 15.

Reads the real catalogs of a freshly initdb'ed PostgreSQL 15 server with psql and writes one file per
bootstrap catalog to catalog/src/main/resources/org/pgjava/catalog/bootstrap/<catalog>.tsv.

File format (read by org.pgjava.catalog.bootstrap.BootstrapResources):
  line 1:  "#" followed by tab-separated "attname:atttypid" for every user column, in attnum order
  then:    one row per line in COPY text format (tab separated, \\N = NULL, backslash escapes)

What is dumped (the Java side filters and overrides; see docs/catalog/README.md):
  pg_namespace   pg_catalog, pg_toast, public (information_schema is not: its views are not built)
  pg_class       the ten bootstrap catalogs
  pg_attribute   every column of the ten bootstrap catalogs, system columns included
  pg_type        every pg_catalog type that is not a table's row type, plus the ten catalogs' row types
                 and their array types
  pg_proc        the functions those types and pg_am name (typinput, typoutput, ..., amhandler)
  pg_database    template1, template0, postgres
  pg_authid      the predefined roles (every role below 16384 except the bootstrap superuser 10)
  pg_attrdef     nothing (PostgreSQL has no column defaults on catalogs)
  pg_tablespace  pg_default, pg_global
  pg_am          every access method

aclitem[] values name the bootstrap superuser; it is written as @SUPERUSER@ so that initdb can put in
the name of its own superuser.

Usage: scripts/catalog/generate_bootstrap.py [port]   (default port 55447; refpg.sh start <port> first)
"""
import os
import re
import subprocess
import sys

PORT = sys.argv[1] if len(sys.argv) > 1 else "55447"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "catalog/src/main/resources/org/pgjava/catalog/bootstrap")

CATALOGS = {
    "pg_namespace": 2615, "pg_class": 1259, "pg_attribute": 1249, "pg_type": 1247,
    "pg_database": 1262, "pg_authid": 1260, "pg_attrdef": 2604, "pg_proc": 1255,
    "pg_tablespace": 1213, "pg_am": 2601,
}
CATALOG_OIDS = ",".join(str(o) for o in CATALOGS.values())
ROW_TYPES = f"(SELECT oid FROM pg_type WHERE typrelid IN ({CATALOG_OIDS}))"
TYPE_FILTER = (f"typnamespace = 11 AND (typrelid = 0 AND typelem NOT IN {ROW_TYPES} AND typtype <> 'c'"
               f" OR typrelid IN ({CATALOG_OIDS}) OR typelem IN {ROW_TYPES})")
REGPROC_COLUMNS = ["typinput", "typoutput", "typreceive", "typsend", "typmodin", "typmodout",
                   "typanalyze", "typsubscript"]
PROC_FILTER = ("oid IN (" + " UNION ".join(
    f"SELECT {c}::oid FROM pg_type WHERE {TYPE_FILTER}" for c in REGPROC_COLUMNS)
    + " UNION SELECT amhandler::oid FROM pg_am)")

WHERE = {
    "pg_namespace": "nspname IN ('pg_catalog', 'pg_toast', 'public')",
    "pg_class": f"oid IN ({CATALOG_OIDS})",
    "pg_attribute": f"attrelid IN ({CATALOG_OIDS})",
    "pg_type": TYPE_FILTER,
    "pg_proc": PROC_FILTER,
    "pg_database": "datname IN ('template1', 'template0', 'postgres')",
    "pg_authid": "oid < 16384 AND oid <> 10",
    "pg_attrdef": "false",
    "pg_tablespace": "true",
    "pg_am": "true",
}
ORDER = {
    "pg_attribute": "attrelid, attnum",
    "pg_database": "oid",
}


def psql(sql):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-p", PORT, "-U", "postgres", "-d", "postgres",
                           "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          check=True, capture_output=True, text=True).stdout


def columns(reloid):
    out = psql("COPY (SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %d AND attnum > 0 "
               "AND NOT attisdropped ORDER BY attnum) TO STDOUT" % reloid)
    return [tuple(line.split("\t")) for line in out.splitlines()]


SUPERUSER = re.compile(r'(^|[{,/])postgres(?=[=/,}]|$)')


def main():
    os.makedirs(OUT, exist_ok=True)
    superuser = psql("COPY (SELECT rolname FROM pg_authid WHERE oid = 10) TO STDOUT").strip()
    if superuser != "postgres":
        sys.exit("the reference server's bootstrap superuser must be named postgres")
    for name, reloid in CATALOGS.items():
        cols = columns(reloid)
        select = ", ".join(('"%s"::oid' if t == "24" else '"%s"') % c for c, t in cols)
        order = ORDER.get(name, "oid" if cols[0][0] == "oid" else "1")
        out = psql(f"COPY (SELECT {select} FROM pg_catalog.{name} WHERE {WHERE[name]} ORDER BY {order}) "
                   "TO STDOUT")
        acl_columns = [i for i, (_, t) in enumerate(cols) if t == "1034"]
        lines = []
        for line in out.splitlines():
            fields = line.split("\t")
            for i in acl_columns:
                if fields[i] != "\\N":
                    fields[i] = SUPERUSER.sub(lambda m: m.group(1) + "@SUPERUSER@", fields[i])
            lines.append("\t".join(fields))
        with open(os.path.join(OUT, name + ".tsv"), "w") as f:
            f.write("#" + "\t".join(f"{c}:{t}" for c, t in cols) + "\n")
            for line in lines:
                f.write(line + "\n")
        print(f"{name}: {len(cols)} columns, {len(lines)} rows")


SAMPLE_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                          "catalog/src/test/resources/org/pgjava/catalog/rows/sample_table.tsv")


def sample_table():
    """What PostgreSQL writes for one CREATE TABLE plus one ADD COLUMN: the golden file that
    TableRowsTest compares pgjava's row builders with. Each line: catalog name, tab, the COPY row."""
    psql("DROP TABLE IF EXISTS pgjava_sample_t; CREATE TABLE pgjava_sample_t(a int4 NOT NULL, b text, "
         "c varchar(10), d numeric(10,2), e bool[], g name); ALTER TABLE pgjava_sample_t ADD COLUMN f int8")
    try:
        lines = []
        for catalog, where, order in [
                ("pg_class", "oid = 'pgjava_sample_t'::regclass", "oid"),
                ("pg_type", "typname IN ('pgjava_sample_t', '_pgjava_sample_t')", "typelem"),
                ("pg_attribute", "attrelid = 'pgjava_sample_t'::regclass", "attnum")]:
            cols = columns(CATALOGS[catalog])
            select = ", ".join(('"%s"::oid' if t == "24" else '"%s"') % c for c, t in cols)
            out = psql(f"COPY (SELECT {select} FROM pg_catalog.{catalog} WHERE {where} ORDER BY {order}) "
                       "TO STDOUT")
            lines += [catalog + "\t" + line for line in out.splitlines()]
    finally:
        psql("DROP TABLE pgjava_sample_t")
    os.makedirs(os.path.dirname(SAMPLE_OUT), exist_ok=True)
    with open(SAMPLE_OUT, "w") as f:
        f.write("# CREATE TABLE pgjava_sample_t(a int4 NOT NULL, b text, c varchar(10), d numeric(10,2), "
                "e bool[], g name); ALTER TABLE pgjava_sample_t ADD COLUMN f int8\n")
        for line in lines:
            f.write(line + "\n")
    print(f"sample table: {len(lines)} rows")


if __name__ == "__main__":
    main()
    sample_table()
