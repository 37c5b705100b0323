package org.pgjava.auth.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pgjava.conf.errors.PgException;
import org.pgjava.conf.errors.SqlState;

/** Expected bytes are what PostgreSQL 15 sends (checked with a raw-socket probe for NegotiateProtocolVersion and errors). */
class BackendMessagesTest {
    private static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (byte) v[i];
        return r;
    }

    private static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] r = new byte[n];
        int o = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, r, o, p.length); o += p.length; }
        return r;
    }

    @Test
    void authenticationMessages() {
        assertArrayEquals(b('R', 0, 0, 0, 8, 0, 0, 0, 0), BackendMessages.authenticationOk());
        assertArrayEquals(b('R', 0, 0, 0, 8, 0, 0, 0, 3), BackendMessages.authenticationCleartextPassword());
        assertArrayEquals(b('R', 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4), BackendMessages.authenticationMd5Password(b(1, 2, 3, 4)));
        assertArrayEquals(cat(b('R', 0, 0, 0, 23, 0, 0, 0, 10), "SCRAM-SHA-256".getBytes(), b(0, 0)),
                BackendMessages.authenticationSasl(List.of("SCRAM-SHA-256")));
        assertArrayEquals(cat(b('R', 0, 0, 0, 11, 0, 0, 0, 11), "r=x".getBytes()), BackendMessages.authenticationSaslContinue("r=x".getBytes()));
        assertArrayEquals(cat(b('R', 0, 0, 0, 11, 0, 0, 0, 12), "v=x".getBytes()), BackendMessages.authenticationSaslFinal("v=x".getBytes()));
    }

    @Test
    void negotiateProtocolVersionAsPostgres() {
        // PostgreSQL 15's answer to protocol 3.1 with _pq_.foo
        assertArrayEquals(cat(b('v', 0, 0, 0, 0x15, 0, 3, 0, 0, 0, 0, 0, 1), "_pq_.foo".getBytes(), b(0)),
                BackendMessages.negotiateProtocolVersion(196608, List.of("_pq_.foo")));
    }

    @Test
    void errorResponse() {
        PgException e = PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "no PostgreSQL user name specified in startup packet");
        byte[] body = "SFATAL\0VFATAL\0C28000\0Mno PostgreSQL user name specified in startup packet\0\0".getBytes();
        assertArrayEquals(cat(b('E', 0, 0, 0, body.length + 4), body), BackendMessages.errorResponse(e));
        PgException n = PgException.error(SqlState.DIVISION_BY_ZERO, "division by zero").withPosition(8).withHint("h")
                .withDetail("d").withWhere("w").withInternalQuery("q", 2).withTable("t")
                .withSeverity(org.pgjava.conf.errors.Severity.NOTICE);
        byte[] body2 = "SNOTICE\0VNOTICE\0C22012\0Mdivision by zero\0Dd\0Hh\0P8\0p2\0qq\0Ww\0tt\0\0".getBytes();
        assertArrayEquals(cat(b('N', 0, 0, 0, body2.length + 4), body2), BackendMessages.noticeResponse(n));
        PgException v2 = PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
        assertArrayEquals(cat(b('E'), "FATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.0\n".getBytes(), b(0)),
                BackendMessages.errorResponseV2(v2));
    }

    @Test
    void sessionStartMessages() {
        assertArrayEquals(cat(b('S', 0, 0, 0, 25), "client_encoding\0UTF8\0".getBytes()), BackendMessages.parameterStatus("client_encoding", "UTF8"));
        assertArrayEquals(b('K', 0, 0, 0, 12, 0, 0, 1, 0, 0, 0, 0, 7), BackendMessages.backendKeyData(256, 7));
        assertArrayEquals(b('Z', 0, 0, 0, 5, 'I'), BackendMessages.readyForQuery('I'));
    }
}
