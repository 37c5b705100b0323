#!/usr/bin/env python3
"""pgclient.py - a minimal PostgreSQL v3 protocol client for bench/run.sh (stdlib only).

It exists so that connection latency and idle-connection memory can be measured without starting a
client process per connection (psql costs milliseconds of its own per start):

  pgclient.py latency --host H --port P --user U [--password PW] [--db D] [-n 300] [--warmup 10]
      opens n connections one after another; each does startup + authentication (trust, password, md5 or
      SCRAM-SHA-256) + "SELECT 1" (simple query) + Terminate + close. Prints one JSON object:
      {"n":..., "median_ms":..., "p99_ms":..., "mean_ms":..., "min_ms":..., "max_ms":..., "per_second":...}
      Exit status 1 with a message on stderr if any connection fails.

  pgclient.py hold --host H --port P --user U [--password PW] [--db D] -n 50
      opens n connections (each authenticated and having run "SELECT 1"), prints "ready" on stdout and
      keeps them open and idle until stdin reaches EOF (or SIGTERM), then terminates them.

  pgclient.py cancel --host H --port P --user U [--password PW] -n 20
      n times: a connection runs "SELECT pg_sleep(10)"; 0.2 s later a CancelRequest (the key from
      BackendKeyData) goes out on a new connection; the time from sending the CancelRequest to reading the
      ErrorResponse 57014 on the first connection is one sample. Prints the latency JSON object.

  pgclient.py activity --host H --port P --user U [--password PW] --hold 50 -n 50
      holds --hold idle connections, then times n runs of "SELECT * FROM pg_stat_activity" (all rows read)
      on one more connection. Prints the latency JSON object.

  pgclient.py crash --host H --port P --user U [--password PW] -n 3
      n times: opens a connection, kill -9's its backend (the pid of BackendKeyData; needs the right to
      signal it), then polls connect + "SELECT 1" every 5 ms; the time from the kill to the first
      successful query is one sample (the server's whole crash-restart). Prints the latency JSON object.

  pgclient.py bulk --host H --port P --user U [--password PW] --table T --rows 1000000 --batch 1000
      inserts rows (i, 'row i') for i = 1..rows into T(id int8, v text) with multi-row INSERT statements
      of --batch rows, all in one transaction (BEGIN ... COMMIT). Prints {"rows":..., "seconds":...,
      "rows_per_second":...}.

  pgclient.py scan --host H --port P --user U [--password PW] --sql "SELECT ..." -n 5
      times n runs of one query (all rows read). Prints the latency JSON object.

Wire format used (PostgreSQL frontend/backend protocol 3.0): StartupMessage (int32 len, int32 196608,
"user\\0U\\0database\\0D\\0application_name\\0pgclient\\0\\0"), then typed messages: 1 type byte, int32 length
including itself, payload. Authentication 'R' codes 0 ok, 3 cleartext, 5 md5 (4-byte salt), 10 SASL
(mechanism list), 11 SASL continue, 12 SASL final.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import struct
import sys
import time


class PgError(Exception):
    pass


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise PgError("server closed the connection")
        buf += chunk
    return bytes(buf)


def _read_message(sock):
    head = _recv_exact(sock, 5)
    kind = head[0:1]
    (length,) = struct.unpack("!i", head[1:5])
    body = _recv_exact(sock, length - 4) if length > 4 else b""
    return kind, body


def _send(sock, kind, payload):
    sock.sendall(kind + struct.pack("!i", len(payload) + 4) + payload)


def _error_text(body):
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[part[:1].decode()] = part[1:].decode("utf-8", "replace")
    return f"{fields.get('S', 'ERROR')} {fields.get('C', '?')}: {fields.get('M', '')}"


def _scram(sock, user, password, mechanisms):
    if b"SCRAM-SHA-256" not in mechanisms:
        raise PgError("server offers no SCRAM-SHA-256: %r" % mechanisms)
    cnonce = base64.b64encode(os.urandom(18)).decode()
    first_bare = "n=,r=" + cnonce
    first = ("n,," + first_bare).encode()
    _send(sock, b"p", b"SCRAM-SHA-256\0" + struct.pack("!i", len(first)) + first)
    kind, body = _read_message(sock)
    if kind == b"E":
        raise PgError(_error_text(body))
    (code,) = struct.unpack("!i", body[:4])
    if code != 11:
        raise PgError("expected SASLContinue, got auth code %d" % code)
    server_first = body[4:].decode()
    attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
    nonce, salt, iters = attrs["r"], base64.b64decode(attrs["s"]), int(attrs["i"])
    if not nonce.startswith(cnonce):
        raise PgError("server nonce does not extend ours")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iters)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    final_wo_proof = "c=biws,r=" + nonce
    auth_message = ",".join([first_bare, server_first, final_wo_proof]).encode()
    signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    final = final_wo_proof + ",p=" + base64.b64encode(proof).decode()
    _send(sock, b"p", final.encode())
    kind, body = _read_message(sock)
    if kind == b"E":
        raise PgError(_error_text(body))
    (code,) = struct.unpack("!i", body[:4])
    if code != 12:
        raise PgError("expected SASLFinal, got auth code %d" % code)
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    expected = "v=" + base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest()).decode()
    if body[4:].decode() != expected:
        raise PgError("server signature does not verify")


# socket fileno -> (backend pid, secret key) from BackendKeyData
BACKEND_KEYS = {}


def connect(host, port, user, db, password, timeout=30.0):
    """Returns an authenticated socket whose session is ready for a query (ReadyForQuery seen)."""
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    params = b"user\0" + user.encode() + b"\0database\0" + db.encode() + b"\0application_name\0pgclient\0\0"
    body = struct.pack("!i", 196608) + params
    sock.sendall(struct.pack("!i", len(body) + 4) + body)
    while True:
        kind, body = _read_message(sock)
        if kind == b"R":
            (code,) = struct.unpack("!i", body[:4])
            if code == 0:
                continue
            if password is None:
                raise PgError("server asks for a password (auth code %d) and none was given" % code)
            if code == 3:
                _send(sock, b"p", password.encode() + b"\0")
            elif code == 5:
                inner = hashlib.md5(password.encode() + user.encode()).hexdigest()
                outer = hashlib.md5(inner.encode() + body[4:8]).hexdigest()
                _send(sock, b"p", b"md5" + outer.encode() + b"\0")
            elif code == 10:
                _scram(sock, user, password, body[4:].split(b"\0"))
            else:
                raise PgError("unsupported authentication request %d" % code)
        elif kind == b"E":
            raise PgError(_error_text(body))
        elif kind == b"K":
            BACKEND_KEYS[sock.fileno()] = struct.unpack("!ii", body[:8])
        elif kind == b"Z":
            return sock
        # S (ParameterStatus), N (notice): ignored


def simple_query(sock, sql):
    _send(sock, b"Q", sql.encode() + b"\0")
    error = None
    while True:
        kind, body = _read_message(sock)
        if kind == b"E":
            error = _error_text(body)
        elif kind == b"Z":
            if error:
                raise PgError(error)
            return


def terminate(sock):
    try:
        _send(sock, b"X", b"")
    finally:
        sock.close()


def one_cycle(a):
    sock = connect(a.host, a.port, a.user, a.db, a.password)
    try:
        simple_query(sock, "SELECT 1")
    finally:
        terminate(sock)


def cmd_latency(a):
    for _ in range(a.warmup):
        one_cycle(a)
    times = []
    t_all = time.perf_counter()
    for _ in range(a.n):
        t0 = time.perf_counter()
        one_cycle(a)
        times.append((time.perf_counter() - t0) * 1000.0)
    report(times, time.perf_counter() - t_all)


def cmd_cancel(a):
    times = []
    for _ in range(a.n):
        sock = connect(a.host, a.port, a.user, a.db, a.password)
        try:
            pid, key = BACKEND_KEYS[sock.fileno()]
            _send(sock, b"Q", b"SELECT pg_sleep(10)\0")
            time.sleep(0.2)
            t0 = time.perf_counter()
            c = socket.create_connection((a.host, a.port), timeout=10)
            c.sendall(struct.pack("!iiii", 16, 80877102, pid, key))
            c.close()
            code = None
            while True:
                kind, body = _read_message(sock)
                if kind == b"E" and code is None:
                    times.append((time.perf_counter() - t0) * 1000.0)
                    code = _error_text(body)
                elif kind == b"Z":
                    break
            if code is None or "57014" not in code:
                raise PgError("the statement was not cancelled: %s" % code)
        finally:
            terminate(sock)
    report(times, sum(times) / 1000.0)


def cmd_activity(a):
    held = []
    try:
        for _ in range(a.hold):
            s = connect(a.host, a.port, a.user, a.db, a.password)
            simple_query(s, "SELECT 1")
            held.append(s)
        sock = connect(a.host, a.port, a.user, a.db, a.password)
        try:
            for _ in range(a.warmup):
                simple_query(sock, "SELECT * FROM pg_stat_activity")
            times = []
            t_all = time.perf_counter()
            for _ in range(a.n):
                t0 = time.perf_counter()
                simple_query(sock, "SELECT * FROM pg_stat_activity")
                times.append((time.perf_counter() - t0) * 1000.0)
            report(times, time.perf_counter() - t_all)
        finally:
            terminate(sock)
    finally:
        for s in held:
            try:
                terminate(s)
            except OSError:
                pass


def cmd_crash(a):
    times = []
    for _ in range(a.n):
        sock = connect(a.host, a.port, a.user, a.db, a.password)
        pid, _key = BACKEND_KEYS[sock.fileno()]
        t0 = time.perf_counter()
        os.kill(pid, signal.SIGKILL)
        sock.close()
        time.sleep(0.005)
        while True:
            if time.perf_counter() - t0 > 120:
                raise PgError("no connection accepted within 120 s of the kill")
            try:
                s = connect(a.host, a.port, a.user, a.db, a.password, timeout=5)
                simple_query(s, "SELECT 1")
                terminate(s)
                break
            except (PgError, OSError):
                time.sleep(0.005)
        times.append((time.perf_counter() - t0) * 1000.0)
        time.sleep(3)   # let the restarted server settle (auxiliary processes, standby pool)
    report(times, sum(times) / 1000.0)


def cmd_bulk(a):
    sock = connect(a.host, a.port, a.user, a.db, a.password)
    try:
        t0 = time.perf_counter()
        simple_query(sock, "BEGIN")
        i = 1
        while i <= a.rows:
            n = min(a.batch, a.rows - i + 1)
            values = ",".join("(%d,'row %d')" % (k, k) for k in range(i, i + n))
            simple_query(sock, "INSERT INTO %s VALUES %s" % (a.table, values))
            i += n
        simple_query(sock, "COMMIT")
        secs = time.perf_counter() - t0
        print(json.dumps({"rows": a.rows, "seconds": round(secs, 3), "rows_per_second": round(a.rows / secs, 1)}))
    finally:
        terminate(sock)


def cmd_scan(a):
    sock = connect(a.host, a.port, a.user, a.db, a.password)
    try:
        simple_query(sock, a.sql)   # warm-up: the first run reads from disk
        times = []
        t_all = time.perf_counter()
        for _ in range(a.n):
            t0 = time.perf_counter()
            simple_query(sock, a.sql)
            times.append((time.perf_counter() - t0) * 1000.0)
        report(times, time.perf_counter() - t_all)
    finally:
        terminate(sock)


def report(times, total):
    """Prints the latency JSON object for the samples (milliseconds) taken in total seconds."""
    times.sort()
    n = len(times)

    def pct(p):
        # nearest-rank percentile
        k = max(0, min(n - 1, int(-(-p * n // 100)) - 1))
        return times[k]
    print(json.dumps({"n": n, "median_ms": round(pct(50), 3), "p99_ms": round(pct(99), 3),
                      "mean_ms": round(sum(times) / n, 3), "min_ms": round(times[0], 3),
                      "max_ms": round(times[-1], 3), "per_second": round(n / total, 1)}))


def cmd_hold(a):
    socks = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for _ in range(a.n):
            s = connect(a.host, a.port, a.user, a.db, a.password)
            simple_query(s, "SELECT 1")
            socks.append(s)
        print("ready", flush=True)
        sys.stdin.read()
    finally:
        for s in socks:
            try:
                terminate(s)
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["latency", "hold", "cancel", "activity", "crash", "bulk", "scan"])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", default="postgres")
    ap.add_argument("--db", default="postgres")
    ap.add_argument("--password", default=os.environ.get("PGPASSWORD"))
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--hold", type=int, default=50)
    ap.add_argument("--table", default="bench_bulk")
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--sql", default="SELECT 1")
    a = ap.parse_args()
    try:
        {"latency": cmd_latency, "hold": cmd_hold, "cancel": cmd_cancel, "activity": cmd_activity,
         "crash": cmd_crash, "bulk": cmd_bulk, "scan": cmd_scan}[a.command](a)
    except (PgError, OSError) as e:
        print(f"pgclient: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
